"""First start on a fresh database: an admin account and the bundled example reports."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from ..store import Store
from .auth import create_user, user_count

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def ensure_admin(store: Store, username: str = "admin") -> str | None:
    """Create the first admin; returns the generated password (None when one was given or exists)."""
    if user_count(store):
        return None
    given = os.environ.get("NIANBAO_ADMIN_PASSWORD")
    password = given or secrets.token_urlsafe(12)
    create_user(store, username, password, "admin")
    return None if given else password


def load_examples(store: Store, folder: Path = EXAMPLES) -> int:
    """Parse and store the example reports when the database holds no report yet."""
    if not folder.is_dir() or store.counts()["reports"]:
        return 0
    from ..corpus.ingest import parse_item

    n = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        report, error = parse_item(path.name, data)
        store.record_document(hashlib.sha256(data).hexdigest(), f"examples/{path.name}", len(data), report, error)
        n += report is not None
    return n
