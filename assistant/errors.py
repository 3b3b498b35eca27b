"""Errors whose message is meant for the user, never a traceback."""


class KamError(Exception):
    """Base class: the message is shown to the user as it is."""


class DocumentError(KamError):
    """A file could not be turned into passages (corrupt, encrypted, empty, too large...)."""


class StoreUnavailableError(KamError):
    """The vector store (embedded or server) cannot be reached."""
