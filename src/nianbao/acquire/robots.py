"""robots.txt, read once per site and run (RFC 9309 as Python's parser understands it).

A missing robots.txt (4xx) allows everything; a server error on it means the site cannot say what
it allows, and the RFC asks crawlers to assume everything is disallowed until it answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser


def origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


class RobotsRules:
    def __init__(self, text: str | None, *, disallow_all: bool = False, why: str | None = None) -> None:
        self.parser = RobotFileParser()
        self.parser.parse((text or "").splitlines())
        self.disallow_all, self.why = disallow_all, why

    def crawl_delay(self, agent: str) -> float:
        try:
            delay = self.parser.crawl_delay(agent)
        except (TypeError, ValueError):
            return 0.0
        return float(delay) if delay else 0.0

    def allowed(self, url: str, agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser.can_fetch(agent, url)


# get(url) -> (status, text); raises FetchError for a network failure
RobotsGetter = Callable[[str], Awaitable[tuple[int, str]]]


class RobotsCache:
    def __init__(self, get: RobotsGetter) -> None:
        self._get = get
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules(self, url: str) -> RobotsRules:
        site = origin(url)
        lock = self._locks.setdefault(site, asyncio.Lock())
        async with lock:  # sixteen units of one host ask once
            found = self._rules.get(site)
            if found is None:
                found = self._rules[site] = await self._load(site)
            return found

    async def _load(self, site: str) -> RobotsRules:
        status, text = await self._get(f"{site}/robots.txt")
        if 200 <= status < 300:
            return RobotsRules(text)
        if status >= 500:
            return RobotsRules(None, disallow_all=True, why=f"robots.txt 返回 HTTP {status}")
        return RobotsRules(None)
