"""Database URLs: what users type, turned into what SQLAlchemy needs."""

from __future__ import annotations

import os

DEFAULT_URL = "sqlite:///nianbao.db"


def normalise_url(url: str | os.PathLike[str] | None) -> str:
    """`postgresql://` → the psycopg 3 driver; a bare path → SQLite; None → ./nianbao.db."""
    if url is None:
        return os.environ.get("NIANBAO_DB", DEFAULT_URL)
    url = str(url)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" not in url:
        return "sqlite:///" + url
    return url
