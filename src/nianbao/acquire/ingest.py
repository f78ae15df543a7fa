"""Fetched bytes → a parsed report, with the URL as its source and the site's publication date.

The site's date goes into the document's metadata before extraction and validation, under the
names agreed in TEAM.md, so that the rules (LATE_PUBLICATION) see it:
`published` (ISO date the site shows), `published_source` (meta:pubdate, 发布时间, 列表日期 …),
`url` (the report's address) and `page_url` (the page that linked it).

Parsing runs in the isolated workers of `nianbao.isolation` (`parse_fetched` is what a worker
runs): a hostile file may crash, exhaust memory or hang a parser, and takes only its worker with
it. The parent writes to the store.
"""

from __future__ import annotations

import hashlib
import traceback

from ..errors import NianbaoError
from ..model import Report
from ..review.identify import not_a_report
from ..store import Store

ParseResult = tuple[Report | None, str | None]

_EXT = {"html": "html", "text": "txt", "mhtml": "mhtml"}


def file_name(url: str, kind: str) -> str:
    """A name the readers recognise: the URL's last segment with the sniffed kind's extension."""
    ext = _EXT.get(kind, kind)
    tail = url.rstrip("/").rsplit("/", 1)[-1] or "index"
    stem = tail.rsplit(".", 1)[0] if "." in tail else tail
    return f"{stem[:80]}.{ext}"


def parse_fetched(url: str, kind: str, data: bytes, metadata: dict[str, str]) -> ParseResult:
    """Parse one fetched file; never raises. Runs in a worker process."""
    from ..api import parse_document
    from ..readers import read_document

    try:
        doc = read_document(data, file_name(url, kind))
        doc.source = url
        doc.metadata.update({k: v for k, v in metadata.items() if v})
        report = parse_document(doc)
        refused = not_a_report(report)  # a notice or a form taken for the report: an error row
        if refused:
            return None, refused
        report.source = url
        report.document = None  # large, and not stored
        return report, None
    except NianbaoError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "内存不足，无法处理该文件"
    except Exception as exc:  # a parser bug must not lose the batch
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return None, f"内部错误（请报告此问题）：{detail}"


def parse_isolated_fetched(
    url: str, kind: str, data: bytes, metadata: dict[str, str]
) -> tuple[ParseResult, bool]:
    """`parse_fetched` in an isolated worker; blocks, thread-safe. Returns (result, own): `own`
    False when the pool failed and not the file (nothing to record; the next run tries again)."""
    from .. import isolation

    out = isolation.run_isolated(parse_fetched, url, kind, data, metadata)
    if out.ok:
        return out.value, True
    return (None, out.error), out.own


def store_fetched(store: Store, url: str, data: bytes, result: ParseResult, fmt: str | None) -> int:
    """Record the document (idempotent by content hash); returns the document id."""
    report, error = result
    sha = hashlib.sha256(data).hexdigest()
    return store.record_document(sha, url, len(data), report, error, fmt)
