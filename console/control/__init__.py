"""Remote control of the console: an obs-websocket v5 server (``obsws``) over a
:class:`ControlTarget` (``target``), the request table (``requests``) and a target over the show
controller and output hooks (``show_target``) — ``docs/control.md``. No Qt here.
"""

from console.control.obsws import DEFAULT_PORT, AuthLimiter, ObsWebSocketServer, auth_string
from console.control.target import (
    AudioInput,
    ControlError,
    ControlTarget,
    OutputStatus,
    SceneItem,
    TargetStats,
)

__all__ = [
    "DEFAULT_PORT",
    "AudioInput",
    "AuthLimiter",
    "ControlError",
    "ControlTarget",
    "ObsWebSocketServer",
    "OutputStatus",
    "SceneItem",
    "TargetStats",
    "auth_string",
]
