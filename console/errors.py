"""Errors meant for the user: one line that says what is wrong and what to do."""


class UserError(Exception):
    """An error whose message is shown to the user as-is (one line, no traceback, no secrets)."""
