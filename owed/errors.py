"""The error every user-facing failure in owed raises: its message is shown as it is."""


class OwedError(Exception):
    """A failure the user can act on; the CLI prints the message, never a traceback."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
