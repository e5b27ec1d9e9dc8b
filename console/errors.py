"""Errors meant for the user: one line that says what is wrong and what to do."""


class UserError(Exception):
    """An error whose message is shown to the user as-is (one line, no traceback, no secrets)."""

    exit_code = 2


class StreamFailed(UserError):
    """The stream itself failed (server unreachable, publish refused, TLS, encoder)."""

    exit_code = 1
