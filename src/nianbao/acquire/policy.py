"""What the HTTP client is allowed to do. One object, passed everywhere, so a run is reproducible."""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__

USER_AGENT = f"nianbao/{__version__} (annual report checker; gov information disclosure)"  # headers are ASCII


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # between two chunks, not for the whole body
    total_timeout: float = 120.0  # the whole exchange, slow-drip servers included
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2  # further attempts after a connect error, a timeout, 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_backoff: float = 30.0
    per_host: int = 2  # requests in flight to one host at once
    min_interval: float = 0.5  # seconds between two request starts to one host
    allow_private: bool = False  # intranet sites and tests on 127.0.0.1
    respect_robots: bool = True
    user_agent: str = USER_AGENT

    @property
    def max_mb(self) -> str:
        mb = self.max_bytes / 1048576
        return f"{mb:g} MB" if mb >= 1 else f"{self.max_bytes // 1024} KB"
