"""First start on a fresh database: an admin account and the bundled example reports."""

from __future__ import annotations

import os
import secrets

from ..store import Store
from .auth import create_user, user_count


def ensure_admin(store: Store, username: str = "admin") -> str | None:
    """Create the first admin; returns the generated password (None when one was given or exists)."""
    if user_count(store):
        return None
    given = os.environ.get("NIANBAO_ADMIN_PASSWORD")
    password = given or secrets.token_urlsafe(12)
    create_user(store, username, password, "admin")
    return None if given else password


def load_examples(store: Store) -> int:
    """Parse and store the bundled example reports when the database holds no report yet."""
    if store.counts()["reports"]:
        return 0
    from ..corpus.ingest import ingest
    from ..examples import example_files

    return ingest(store, [str(p) for p in example_files()]).stored


def run(
    db: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    secure_cookies: bool = True,
    say=print,
) -> None:
    """Open the database, bootstrap it, and serve until interrupted (`nianbao serve`, `nianbao demo`)."""
    import uvicorn

    from .app import create_app

    store = Store(db)
    password = ensure_admin(store)
    if password:
        say(f"已创建管理员账号 admin，初始密码：{password}（只显示这一次，请登录后妥善保管）")
    loaded = load_examples(store)
    if loaded:
        say(f"已载入 {loaded} 份示例报告")
    say(f"网页版地址：http://{host}:{port}/    接口说明（OpenAPI）：http://{host}:{port}/openapi.json")
    uvicorn.run(create_app(store, secure_cookies=secure_cookies), host=host, port=port, log_level="warning")
