"""Errors a user sees. Messages are Chinese: they are shown as they are in the CLI, the web app and
the `error` field of the output contract."""


class NianbaoError(Exception):
    """Base class for errors that concern one input and should not stop a batch."""


class ReadError(NianbaoError):
    """The file cannot be read as a report (corrupt, empty, unsupported, too large, …)."""


class UnsupportedFormat(ReadError):
    pass


class TooLarge(ReadError):
    pass


class MissingDependency(ReadError):
    """An optional component (LibreOffice, the OCR extra) is needed for this file but absent."""
