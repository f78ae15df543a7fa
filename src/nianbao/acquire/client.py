"""The asynchronous fetcher: httpx under the policy, one client for a whole run.

Every request: the address is public (or allowed), robots.txt allows it, the host's rate limit has
a slot; redirects are followed by hand so that each hop is checked the same way and a loop is
named as such; the body is streamed and cut off at the size cap (after content decoding, so a
gzip bomb is cut too); connect errors, timeouts, 429 and 5xx are retried with exponential
back-off (Retry-After honoured up to the policy's maximum); a known ETag / Last-Modified makes the
request conditional, and 304 comes back as `not_modified` without a body. Each response with a
body is written to the WARC recorder when there is one.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from .addresses import check_address
from .errors import FetchError
from .policy import FetchPolicy
from .ratelimit import HostLimiter
from .robots import RobotsCache
from .sniff import sniff
from .warc import WarcRecorder, WarcRef

_REDIRECTS = (301, 302, 303, 307, 308)
_RETRYABLE = {"timeout", "connect", "network", "busy"}
_STATUS_ZH = {
    400: "请求无效",
    401: "需要登录",
    403: "禁止访问",
    404: "页面不存在",
    410: "页面已删除",
    429: "请求过于频繁",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂时不可用",
    504: "网关超时",
}


@dataclass(frozen=True)
class Validators:
    """What a server said about a response so that the next request can be conditional."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass
class FetchResult:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content: bytes | None  # None when not modified
    content_type: str | None
    kind: str  # sniff(): pdf, docx, doc, wps, xls, xlsx, html, text, other
    headers: list[tuple[str, str]]
    fetched_at: datetime
    redirects: list[str] = field(default_factory=list)
    not_modified: bool = False
    evidence: WarcRef | None = None
    attempts: int = 1

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.content).hexdigest() if self.content is not None else None

    @property
    def validators(self) -> Validators:
        h = {k.lower(): v for k, v in self.headers}
        return Validators(h.get("etag"), h.get("last-modified"))


@dataclass
class FetchStats:
    requests: int = 0  # HTTP exchanges, redirects and retries included
    bodies: int = 0  # responses whose body was downloaded
    not_modified: int = 0
    bytes: int = 0
    retries: int = 0


@dataclass
class _Raw:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]]
    evidence: WarcRef | None = None


class Fetcher:
    def __init__(
        self,
        policy: FetchPolicy | None = None,
        recorder: WarcRecorder | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.recorder = recorder
        p = self.policy
        self.limiter = HostLimiter(p.per_host, p.min_interval)
        self.stats = FetchStats()
        self.robots = RobotsCache(self._robots_get)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=p.connect_timeout, read=p.read_timeout, write=p.read_timeout, pool=None
            ),
            follow_redirects=False,
            headers={"User-Agent": p.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=64),
            trust_env=False,  # a proxy in the environment must not silently see every request
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- the one public call ---------------------------------------------------------------
    async def get(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET `url` under the policy. Raises FetchError with a Chinese message on any refusal."""
        current, chain, seen = url, [], {url}
        for _hop in range(self.policy.max_redirects + 1):
            await check_address(current, self.policy.allow_private)
            if self.policy.respect_robots:
                rules = await self.robots.rules(current)
                delay = rules.crawl_delay(self.policy.user_agent)
                if delay:  # honoured up to the policy's longest back-off: a site cannot stall a run
                    self.limiter.slow_down(urlsplit(current).netloc, min(delay, self.policy.max_backoff))
                if not rules.allowed(current, self.policy.user_agent):
                    why = f"（{rules.why}）" if rules.why else ""
                    raise FetchError("robots", f"网站的 robots.txt 不允许抓取该地址{why}：{current}", url)
            raw = await self._with_retries(current, validators)
            if raw.status in _REDIRECTS:
                location = dict((k.lower(), v) for k, v in raw.headers).get("location")
                if not location:
                    raise FetchError("http", f"服务器返回重定向（HTTP {raw.status}）但没有给出目标地址", url)
                target = urljoin(current, location.strip())
                if target in seen:
                    raise FetchError("redirect_loop", f"重定向循环：{current} → {target}", url)
                chain.append(current)
                seen.add(target)
                current = target
                continue
            headers = raw.headers
            ctype = dict((k.lower(), v) for k, v in headers).get("content-type")
            if raw.status == 304:
                return FetchResult(url, current, 304, None, ctype, "unchanged", headers, _now(), chain, True)
            if raw.status >= 400:
                zh = _STATUS_ZH.get(raw.status, "请求失败")
                error = FetchError("http", f"服务器返回 HTTP {raw.status}（{zh}）：{current}", url)
                error.evidence = raw.evidence  # what the site said, kept as proof of the failure
                raise error
            return FetchResult(
                url,
                current,
                raw.status,
                raw.body,
                ctype,
                sniff(raw.body, ctype, current),
                headers,
                _now(),
                chain,
                evidence=raw.evidence,
            )
        raise FetchError("redirects", f"重定向次数过多（超过 {self.policy.max_redirects} 次）：{url}", url)

    # --- one exchange, retried -------------------------------------------------------------
    async def _with_retries(self, url: str, validators: Validators | None) -> _Raw:
        p = self.policy
        delay = p.backoff
        host = urlsplit(url).netloc
        for attempt in range(p.retries + 1):
            try:
                async with self.limiter.slot(host):
                    async with asyncio.timeout(p.total_timeout):
                        raw = await self._once(url, validators)
                if raw.status == 429 or raw.status >= 500:
                    if attempt == p.retries:
                        return raw
                    wait = _retry_after(raw.headers, delay, p.max_backoff)
                else:
                    return raw
            except TimeoutError:
                if attempt == p.retries:
                    raise FetchError(
                        "timeout", f"响应超时（超过 {p.total_timeout:g} 秒）：{url}", url
                    ) from None
                wait = delay
            except FetchError as exc:
                if exc.kind not in _RETRYABLE or attempt == p.retries:
                    raise
                wait = delay
            self.stats.retries += 1
            await asyncio.sleep(wait)
            delay = min(delay * 2, p.max_backoff)
        raise AssertionError("unreachable")

    async def _once(self, url: str, validators: Validators | None) -> _Raw:
        p = self.policy
        headers = {"Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        self.stats.requests += 1
        try:
            async with self._client.stream("GET", url, headers=headers) as r:
                sent = list(r.request.headers.items())
                got = list(r.headers.multi_items())
                if r.status_code in _REDIRECTS or r.status_code == 304:
                    if r.status_code == 304:
                        self.stats.not_modified += 1
                    return _Raw(r.status_code, r.reason_phrase, got, b"", sent)
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > p.max_bytes:
                    raise FetchError(
                        "too_large",
                        f"文件过大（{_mb(int(declared))}），超过大小上限 {p.max_mb}，未下载：{url}",
                        url,
                    )
                body = bytearray()
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > p.max_bytes:
                        raise FetchError("too_large", f"文件超过大小上限 {p.max_mb}，已停止下载：{url}", url)
        except httpx.TimeoutException:
            raise FetchError("timeout", f"连接或读取超时（{p.read_timeout:g} 秒）：{url}", url) from None
        except httpx.ConnectError as exc:
            raise FetchError("connect", f"无法连接网站 {urlsplit(url).netloc}：{_detail(exc)}", url) from None
        except httpx.DecodingError:
            raise FetchError("network", f"服务器返回的压缩内容已损坏：{url}", url) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise FetchError("network", f"连接中断：{_detail(exc)}：{url}", url) from None
        except httpx.InvalidURL:
            raise FetchError("url", f"地址无效：{url}", url) from None
        data = bytes(body)
        self.stats.bodies += 1
        self.stats.bytes += len(data)
        evidence = None
        if self.recorder is not None:
            evidence = self.recorder.record(url, r.status_code, r.reason_phrase, got, data, sent)
        return _Raw(r.status_code, r.reason_phrase, got, data, sent, evidence)

    async def _robots_get(self, robots_url: str) -> tuple[int, str]:
        await check_address(robots_url, self.policy.allow_private)
        current = robots_url
        for _ in range(self.policy.max_redirects + 1):
            try:
                raw = await self._with_retries(current, None)
            except FetchError as exc:
                if exc.kind == "too_large":
                    return 404, ""  # a robots.txt that large is not one: treat as absent
                raise
            if raw.status in _REDIRECTS:
                location = dict((k.lower(), v) for k, v in raw.headers).get("location")
                if not location:
                    return 404, ""
                current = urljoin(current, location)
                await check_address(current, self.policy.allow_private)
                continue
            return raw.status, raw.body.decode("utf-8", errors="replace")
        return 404, ""


def _retry_after(headers: list[tuple[str, str]], default: float, cap: float) -> float:
    value = dict((k.lower(), v) for k, v in headers).get("retry-after", "").strip()
    if value.isdigit():
        return min(float(value), cap)
    if value:
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, min((when - datetime.now(UTC)).total_seconds(), cap))
        except (TypeError, ValueError):
            pass
    return default


def _now() -> datetime:
    return datetime.now(UTC)


def _mb(n: int) -> str:
    return f"{n / 1048576:.2f} MB"


def _detail(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "域名无法解析"
    if "Connection refused" in text:
        return "连接被拒绝"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "网站证书无效"
    return text[:200]
