"""The phone 场控 panel: a mobile page served by the console over the local server layer
(:mod:`console.server`), paired per role with a short code, live over a WebSocket. No Qt here.

- :mod:`console.panel.roles`    roles → allowed actions, one ``check(role, action)``
- :mod:`console.panel.pairing`  short codes → device tokens (stored hashed, 0600), list, revoke
- :mod:`console.panel.target`   the :class:`PanelTarget` protocol the live core implements
- :mod:`console.panel.show_target`  a PanelTarget over a ShowController + AudienceHub
- :mod:`console.panel.server`   the aiohttp routes (page, pairing, WebSocket) on a LocalServer
- :mod:`console.panel.qr`       the pairing URL as a QR code (terminal text, PNG, SVG)

``docs/control.md`` ("Phone 场控 panel") and ``docs/security.md`` ("Phone panel").
"""

from console.panel.roles import ACTIONS, ROLES, allowed_actions, check

__all__ = ["ACTIONS", "ROLES", "allowed_actions", "check"]
