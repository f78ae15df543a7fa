"""Uploads against a real server (uvicorn in its own process, SQLite): a large ZIP is streamed to
disk and unpacked one member at a time, the hostile-file suite goes through a web upload like
through `nianbao ingest`, and meanwhile another client's pages keep loading in under a second.

Before: a 27 MB ZIP upload was unpacked in memory on the event loop (the server went from 215 to
1,873 MB and other users waited up to 7.7 s)."""

from __future__ import annotations

import io
import os
import random
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from hostile.files import hostile_files
from hostile.memory import _status, tree_rss_mb
from nianbao.store import Store

pytestmark = pytest.mark.slow
PASSWORD = "correct-horse-42"
PEAK_LIMIT_MB = 1536
SERVER = textwrap.dedent(
    """
    import sys
    import uvicorn
    from argon2 import PasswordHasher, profiles
    from nianbao.store import Store
    from nianbao.web import create_app
    from nianbao.web.auth import create_user, set_password_hasher

    if __name__ == "__main__":  # parse workers import this module again: only the parent serves
        set_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
        store = Store(sys.argv[1])
        for name in ("admin", "viewer"):
            create_user(store, name, sys.argv[3], "admin")
        app = create_app(store, secure_cookies=False, max_upload=200 * 1024 * 1024, file_timeout=120)
        uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
    """
)


class Server:
    def __init__(self, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.db = tmp / "web.db"
        script = tmp / "server.py"
        script.write_text(SERVER, encoding="utf-8")
        env = {**os.environ, "NIANBAO_LOG_FILE": str(tmp / "errors.log")}
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(self.db), str(self.port), PASSWORD],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise AssertionError("server did not start")

    def client(self, username: str) -> httpx.Client:
        c = httpx.Client(base_url=self.url, timeout=120)
        page = c.get("/login").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert r.status_code in (200, 303), r.text
        c.headers["X-CSRF-Token"] = c.get("/api/me").json()["csrf"]
        return c

    def own_rss_mb(self) -> float:
        """The server process alone (its parse workers are separate processes)."""
        return int(_status(self.proc.pid).get("VmRSS", "0 kB").split()[0]) / 1024

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def server(tmp_path: Path):
    s = Server(tmp_path)
    yield s
    s.stop()


class Watch:
    """Another client loading a page over and over, and the server's memory, while a job runs."""

    def __init__(self, server: Server) -> None:
        self.server, self.viewer = server, server.client("viewer")
        self.latencies: list[float] = []
        self.own_peak = self.tree_peak = 0.0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._pages), threading.Thread(target=self._memory)]

    def _pages(self) -> None:
        while not self._stop.is_set():
            start = time.monotonic()
            assert self.viewer.get("/reports").status_code == 200
            self.latencies.append(time.monotonic() - start)
            self._stop.wait(0.2)

    def _memory(self) -> None:
        while not self._stop.is_set():
            self.own_peak = max(self.own_peak, self.server.own_rss_mb())
            self.tree_peak = max(self.tree_peak, tree_rss_mb(self.server.proc.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> Watch:
        self.viewer.get("/reports")  # the first load compiles the templates: not what is measured
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)
        self.viewer.close()


def _responsive(latencies: list[float]) -> None:
    """Another client's page loads in under a second while the job runs.

    Wall time on a shared 2-core machine: one load in twenty may wait for a core the parse worker
    holds; a blocked event loop (the old in-memory unpacking stalled every request for seconds)
    fails every load at once, and so this."""
    ordered = sorted(latencies)
    assert len(ordered) >= 10, ordered
    assert ordered[int(len(ordered) * 0.95)] < 1.0, ordered[-10:]
    assert ordered[-1] < 3.0, ordered[-10:]


def _upload(c: httpx.Client, name: str, data: bytes) -> dict:
    r = c.post("/api/jobs", files={"file": (name, data)})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.time() + 1500
    while time.time() < deadline:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.5)
    raise AssertionError("job did not finish")


def _big_zip(members: int = 30, size: int = 20 * 1024 * 1024) -> bytes:
    """~600 MB of members in a ZIP of a few tens of MB (compressible, but under the bomb ratio)."""
    rnd = random.Random(5)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for n in range(members):
            chunk = bytes(rnd.getrandbits(8) for _ in range(1536)) + b"\0" * (65536 - 1536)
            z.writestr(f"数据/{n:02d}.dat", chunk * (size // 65536))
    return buf.getvalue()


def test_a_large_zip_is_unpacked_member_by_member_off_the_event_loop(server: Server) -> None:
    data = _big_zip()
    assert 10 * 1024**2 < len(data) < 60 * 1024**2
    admin = server.client("admin")
    baseline = server.own_rss_mb()
    with Watch(server) as w:
        job = _upload(admin, "大包.zip", data)
    assert job["status"] == "done" and len(job["items"]) == 30
    errors = {i["error"] for i in job["items"]}
    assert all(i["status"] == "error" for i in job["items"]) and len(errors) == 1, errors
    (error,) = errors
    assert "无法识别" in error, error  # not reports: a row each, saying so (not a crash, not memory)
    # the members are ~600 MB: held at once they would show; one at a time they do not
    assert w.own_peak - baseline < 250, (baseline, w.own_peak)
    assert max(w.latencies) < 1.0, sorted(w.latencies)[-5:]
    print(
        f"\nbig zip: server {baseline:.0f} -> {w.own_peak:.0f} MB, tree {w.tree_peak:.0f} MB, "
        f"{len(w.latencies)} page loads, slowest {max(w.latencies):.2f} s"
    )


def test_the_hostile_suite_through_a_web_upload(server: Server, corpus_dir: Path) -> None:
    made = hostile_files(corpus_dir)
    good = sorted((corpus_dir / "seeds").glob("*.txt"))[:3] + [corpus_dir / "pdf" / "huaian-hongze-2023.pdf"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in good:
            z.write(p, f"好/{p.name}")
        for h in made.values():
            if not h.name.endswith(".zip"):  # an archive inside the archive is not unpacked again
                z.writestr(f"坏/{h.name}", h.data)
    admin = server.client("admin")
    with Watch(server) as w:
        first = _upload(admin, "混合.zip", buf.getvalue())
    items = {i["name"].split("!", 1)[1]: i for i in first["items"]}
    for p in good:
        assert items[f"好/{p.name}"]["status"] == "ok", items[f"好/{p.name}"]
    for h in made.values():
        if h.name.endswith(".zip"):
            continue
        item = items[f"坏/{h.name}"]
        assert "内部错误" not in (item["error"] or ""), (h.name, item)
        assert item["status"] == "ok" or item["error"], (h.name, item)  # an error says why
    assert w.tree_peak < PEAK_LIMIT_MB, w.tree_peak
    _responsive(w.latencies)
    # uploading the same archive again stores nothing new: the same reports, found by content
    second = _upload(admin, "混合.zip", buf.getvalue())
    again = {i["name"].split("!", 1)[1]: i for i in second["items"]}
    for p in good:
        assert again[f"好/{p.name}"]["report_id"] == items[f"好/{p.name}"]["report_id"]
    store = Store(server.db)
    try:
        ok_ids = {i["report_id"] for i in items.values() if i["status"] == "ok"}
        assert store.count_reports() == len(ok_ids)
    finally:
        store.close()
    print(
        f"\nhostile upload: tree peak {w.tree_peak:.0f} MB, {len(w.latencies)} page loads, "
        f"slowest {max(w.latencies):.2f} s"
    )
