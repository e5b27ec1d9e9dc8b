"""``python -m console.connectors set-secret PLATFORM WHAT``: keep a connector credential in the
OS keyring (read from the terminal without echo, or from stdin when it is not a terminal)."""

from __future__ import annotations

import getpass
import sys

from console.connectors.base import set_credential
from console.errors import UserError

KNOWN = {
    "bilibili": ("access_key_id", "access_key_secret", "code"),
    "twitch": ("oauth_token",),
    "youtube": ("api_key", "oauth_token"),
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if len(args) != 3 or args[0] != "set-secret":
            raise UserError("usage: python -m console.connectors set-secret PLATFORM WHAT")
        platform, what = args[1], args[2]
        if what not in KNOWN.get(platform, ()):
            known = "; ".join(f"{p}: {', '.join(w)}" for p, w in KNOWN.items())
            raise UserError(f"unknown credential {platform} {what} (known: {known})")
        if sys.stdin.isatty():
            value = getpass.getpass(f"{platform} {what}: ")
        else:
            value = sys.stdin.readline().strip()
        set_credential(platform, what, value)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"stored the {platform} {what} in the OS keyring")
    return 0


if __name__ == "__main__":
    sys.exit(main())
