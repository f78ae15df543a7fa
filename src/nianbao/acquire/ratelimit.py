"""Politeness per host: at most N requests in flight and a minimum spacing between request starts.

A county's 300 departments often sit on one CMS host; sixteen concurrent fetches must not all hit
it at once. Different hosts proceed independently, which is where the concurrency pays.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class _Host:
    def __init__(self, per_host: int, interval: float) -> None:
        self.slots = asyncio.Semaphore(max(per_host, 1))
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.interval = interval


class HostLimiter:
    def __init__(self, per_host: int = 2, min_interval: float = 0.5) -> None:
        self.per_host, self.min_interval = per_host, min_interval
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        h = self._hosts.get(host)
        if h is None:
            h = self._hosts[host] = _Host(self.per_host, self.min_interval)
        return h

    def slow_down(self, host: str, interval: float) -> None:
        """A site asked for more time between requests (robots.txt Crawl-delay)."""
        h = self._host(host)
        h.interval = max(h.interval, interval)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        h = self._host(host)
        async with h.slots:
            async with h.lock:
                wait = h.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                h.next_start = time.monotonic() + h.interval
            yield
