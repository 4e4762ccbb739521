"""The store's error, in a module of its own: the command line catches it without importing SQLAlchemy
(17 MB and a tenth of a second that ``inspect`` does not need)."""


class StoreError(Exception):
    """A store problem the user must hear about; ``message`` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
