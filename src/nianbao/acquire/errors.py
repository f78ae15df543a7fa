"""Why a fetch failed, in words a user reads, with a stable kind for code and tables."""

from __future__ import annotations

from ..errors import NianbaoError


class FetchError(NianbaoError):
    """One URL could not be fetched. `kind` is stable (private, too_large, timeout, http, …)."""

    def __init__(self, kind: str, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.evidence: object | None = None  # the WarcRef of the error page, when one was recorded

    @property
    def message(self) -> str:
        return str(self)
