"""Evidence: every page and file fetched, as the site served it and when, in a WARC file.

WARC (ISO 28500) is what web archives keep; any WARC tool replays it. Each record is its own gzip
member, so a record is addressed by (file, offset) and read back without scanning the file: the
database keeps that address for the page that proved a unit published (or did not).

The payload is stored after content decoding (what the client saw), so the Content-Encoding and
Transfer-Encoding headers are dropped from the recorded response and Content-Length is set anew.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__

_DROP = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class WarcRef:
    path: str
    offset: int

    def __str__(self) -> str:
        return f"{self.path}#{self.offset}"


@dataclass
class WarcEntry:
    """One response read back from a WARC file."""

    url: str
    date: str  # WARC-Date, ISO 8601 UTC
    status: int
    headers: list[tuple[str, str]]
    payload: bytes
    digest: str | None


class WarcRecorder:
    """Append request/response pairs to one WARC file (gzip per record). Thread-safe."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        self._file = open(self.path, "ab")
        self._writer = WARCWriter(self._file, gzip=True)
        self._lock = threading.Lock()
        if fresh:
            info = self._writer.create_warcinfo_record(
                self.path.name, {"software": f"nianbao/{__version__}", "format": "WARC File Format 1.1"}
            )
            self._writer.write_record(info)
            self._file.flush()

    def record(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        payload: bytes,
        request_headers: list[tuple[str, str]],
        when: datetime | None = None,
    ) -> WarcRef:
        date = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP]
        kept.append(("Content-Length", str(len(payload))))
        http = StatusAndHeaders(f"{status} {reason or ''}".strip(), kept, protocol="HTTP/1.1")
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(payload),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
        path = url.split("://", 1)[-1]
        path = "/" + path.split("/", 1)[1] if "/" in path else "/"
        req = StatusAndHeaders(f"GET {path} HTTP/1.1", request_headers, is_http_request=True)
        request = self._writer.create_warc_record(
            url,
            "request",
            http_headers=req,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        with self._lock:
            offset = self._file.tell()
            self._writer.write_record(response)
            self._writer.write_record(request)
            self._file.flush()
        return WarcRef(str(self.path), offset)

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_record(path: str | os.PathLike[str], offset: int) -> WarcEntry:
    """The response record at `offset` (as stored in the database)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                raise ValueError(f"{path}#{offset} 不是响应记录")
            http = rec.http_headers
            return WarcEntry(
                url=rec.rec_headers.get_header("WARC-Target-URI"),
                date=rec.rec_headers.get_header("WARC-Date"),
                status=int(http.get_statuscode() or 0),
                headers=list(http.headers),
                payload=rec.content_stream().read(),
                digest=rec.rec_headers.get_header("WARC-Payload-Digest"),
            )
    raise ValueError(f"{path}#{offset} 处没有记录")


def iter_responses(path: str | os.PathLike[str]):
    """Every response in a WARC file, for tools and tests."""
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            if rec.rec_type != "response":
                continue
            http = rec.http_headers
            entry = WarcEntry(
                url=rec.rec_headers.get_header("WARC-Target-URI"),
                date=rec.rec_headers.get_header("WARC-Date"),
                status=int(http.get_statuscode() or 0),
                headers=list(http.headers),
                payload=rec.content_stream().read(),
                digest=rec.rec_headers.get_header("WARC-Payload-Digest"),
            )
            yield it.get_record_offset(), entry
