"""Every file parsed in a worker process of its own, with its own limits.

A hostile or broken file can abort the process that parses it (a C library's `abort()`, a Rust
allocation failure), eat all memory or spin for ever; none of that may cost another file or the
run. So files are parsed in worker processes that the parent supervises:

- each worker limits its own data segment (`RLIMIT_DATA`) and, per file, its CPU time
  (`RLIMIT_CPU`); it dies with its parent (`PR_SET_PDEATHSIG`, and a lifeline pipe);
- the parent's watchdog samples each busy worker's resident memory (its subprocesses included)
  and its wall time, and kills the worker (with its subprocesses) at the limit;
- a worker that dies takes only the file it was parsing with it; the others go on in the other
  workers and a fresh worker takes its place.

The outcome of a file is its task's return value, or a Chinese error that says what happened:
`CRASHED`, `OUT_OF_MEMORY`, `TIMED_OUT`, `CPU_EXCEEDED`. An error that is the pool's and not the
file's (a worker that could not be started) has `own=False`: callers do not record it, so the next
run tries the file again.

Workers are forked from a fork server that has imported the parsing code once, so a new worker
costs a fork, not an interpreter start.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

__all__ = [
    "CPU_EXCEEDED",
    "CRASHED",
    "NOT_STARTED",
    "OUT_OF_MEMORY",
    "TIMED_OUT",
    "Limits",
    "Outcome",
    "Pool",
    "memory_exhausted",
    "parse_isolated",
    "preload",
    "run_isolated",
]

CRASHED = "文件导致解析进程崩溃（{how}），已跳过该文件"
OUT_OF_MEMORY = "超出内存上限 {mb} MB，已停止解析该文件"
TIMED_OUT = "超时 {s} 秒，已停止解析该文件"
CPU_EXCEEDED = "超时：CPU 时间超过 {s} 秒，已停止解析该文件"
NOT_STARTED = "解析进程未能启动（{why}），该文件将在下次导入时重试"
INTERNAL = "内部错误（请报告此问题）：{detail}"

_PRELOAD = ["nianbao.api", "nianbao.isolation.tasks"]
_SAMPLE_S = 0.05  # watchdog period for memory and wall time
_TREE_EVERY_S = 2.0  # how often subprocesses (LibreOffice) are looked for and counted
_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")

T = TypeVar("T")


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """What one file may cost. 0 (or less) switches a limit off.

    memory_mb: resident memory of the worker and its subprocesses (the parent's watchdog); the
        worker's data segment is capped at twice that (`RLIMIT_DATA`), so a runaway allocation
        fails at once with MemoryError instead of waiting for the next sample.
    cpu_seconds: CPU time for the file (`RLIMIT_CPU`, reset for every file).
    wall_seconds: elapsed time for the file (the parent's watchdog).
    """

    memory_mb: int = 1536
    cpu_seconds: float = 300.0
    wall_seconds: float = 300.0

    @classmethod
    def from_env(cls, **override: Any) -> Limits:
        """Defaults, then `NIANBAO_PARSE_MEMORY_MB` / `_CPU_SECONDS` / `_TIMEOUT`, then `override`
        (None values in `override` are ignored)."""
        base = cls()
        limits = cls(
            memory_mb=int(_env_float("NIANBAO_PARSE_MEMORY_MB", base.memory_mb)),
            cpu_seconds=_env_float("NIANBAO_PARSE_CPU_SECONDS", base.cpu_seconds),
            wall_seconds=_env_float("NIANBAO_PARSE_TIMEOUT", base.wall_seconds),
        )
        return replace(limits, **{k: v for k, v in override.items() if v is not None})


@dataclass
class Outcome:
    """What became of one task: its value, or an error (Chinese) and whose fault it was."""

    value: Any = None
    error: str | None = None
    own: bool = True  # False: the pool failed, not the file (retry it later)
    kind: str = "ok"  # ok / error / crash / memory / timeout / cpu / not-started
    peak_rss_mb: float = 0.0  # the largest sample the watchdog took while the task ran

    @property
    def ok(self) -> bool:
        return self.error is None


# ---------------------------------------------------------------------------------------------
# the worker side

_WORKER_LIMITS: Limits | None = None
_RECYCLE = False  # set when this worker should exit after its task (memory exhausted)


class CpuTimeExceeded(BaseException):
    """Raised in a worker by SIGXCPU. A BaseException: `except Exception` in a reader must not
    swallow it."""


def memory_exhausted() -> str:
    """The error for a MemoryError caught inside a task; the worker is replaced after the task
    (its heap is fragmented and large). Outside a worker: a plain message."""
    global _RECYCLE
    if _WORKER_LIMITS is None:
        return "内存不足，无法处理该文件"
    _RECYCLE = True
    return OUT_OF_MEMORY.format(mb=_WORKER_LIMITS.memory_mb)


def _on_sigxcpu(signum: int, frame: Any) -> None:
    raise CpuTimeExceeded


def _die_with_parent(lifeline: mpc.Connection) -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: the fork server's death
    # the parent's death closes the lifeline's other end; PDEATHSIG covers only our direct parent

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()
        os._exit(70)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def _cpu_used() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _set_cpu_budget(seconds: float) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if seconds > 0:
        soft = math.ceil(_cpu_used() + seconds)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    else:
        soft = hard
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _sync_env(env: dict[str, str]) -> None:
    """Take the submitting process's NIANBAO_* settings: the fork server may be older than them."""
    for k in [k for k in os.environ if k.startswith("NIANBAO_") and k not in env]:
        del os.environ[k]
    os.environ.update(env)


def _stderr_to_log() -> None:
    """What C libraries print on their way down (an allocation failure, an assertion) and the
    Python stack of a fatal signal go to the error log, not the user's terminal (nor into the
    parent's standard output). Set
    `NIANBAO_WORKER_STDERR=inherit` to see them."""
    if os.environ.get("NIANBAO_WORKER_STDERR") == "inherit":
        return
    import faulthandler

    from ..errorlog import log_path

    with contextlib.suppress(OSError):
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(fd, 1)  # stdout too: a library's print must never land in `parse --jsonl` output
        os.dup2(fd, 2)
        os.close(fd)
        faulthandler.enable(file=sys.stderr)


def _worker_main(conn: mpc.Connection, lifeline: mpc.Connection, limits: Limits) -> None:
    global _WORKER_LIMITS, _RECYCLE
    _die_with_parent(lifeline)
    _stderr_to_log()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    _WORKER_LIMITS = limits
    if limits.memory_mb > 0:
        # on top of what the worker already maps: a forked worker starts with its parent's heap
        cap = _vm_data_bytes() + 2 * limits.memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (cap, resource.getrlimit(resource.RLIMIT_DATA)[1]))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task, args, env = msg
        _sync_env(env)
        _RECYCLE = False
        _set_cpu_budget(limits.cpu_seconds)
        try:
            reply: tuple[str, Any] = ("ok", task(*args))
        except MemoryError:
            reply = ("memory", None)
            _RECYCLE = True
        except CpuTimeExceeded:
            reply = ("cpu", None)
            _RECYCLE = True
        except BaseException as exc:
            _log_internal(exc)
            reply = ("error", INTERNAL.format(detail=_one_line(exc)))
        finally:
            _set_cpu_budget(0)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
            _RECYCLE = True
        except Exception as exc:  # an unpicklable result
            conn.send(("error", INTERNAL.format(detail=_one_line(exc))))
        if _RECYCLE:
            return


def _vm_data_bytes() -> int:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _one_line(exc: BaseException) -> str:
    import traceback  # only on the way to an error message

    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def _log_internal(exc: BaseException) -> None:
    with contextlib.suppress(Exception):
        from ..errorlog import log_exception

        log_exception(exc, "isolated task")


# ---------------------------------------------------------------------------------------------
# the parent side


def _context(method: str | None) -> Any:
    """`fork` from a process with one thread (the CLI: the parsing code is already imported, a
    worker costs a fork); else the fork server (never fork a process whose other threads may
    hold locks: the web server, a progress bar)."""
    if method is None:
        single = threading.active_count() == 1
        method = "fork" if single and "fork" in mp.get_all_start_methods() else "forkserver"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE / 1048576
    except (OSError, IndexError, ValueError):
        return 0.0


def _private_mb(pid: int) -> float | None:
    """Memory only this process maps (USS): what is shared with a forking parent is not its cost."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            total = 0
            for line in fh:
                if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    total += int(line.split()[1])
            return total / 1024
    except (OSError, ValueError, IndexError):
        return None


def _proc_table() -> dict[int, int]:
    """pid → parent pid of every process we can see."""
    out: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return out
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields follow the last ")"
        rest = stat[stat.rfind(b")") + 2 :].split()
        with contextlib.suppress(IndexError, ValueError):
            out[int(name)] = int(rest[1])
    return out


def _descendants(pid: int, table: dict[int, int] | None = None) -> list[int]:
    table = _proc_table() if table is None else table
    children: dict[int, list[int]] = {}
    for p, pp in table.items():
        children.setdefault(pp, []).append(p)
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _cpu_seconds_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        rest = stat[stat.rfind(b")") + 2 :].split()
        return (int(rest[11]) + int(rest[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _kill_tree(pid: int, known: Iterable[int] = ()) -> None:
    """Kill a worker and every process under it (LibreOffice runs in a session of its own).
    `known`: descendants seen earlier, which a dead worker's children no longer show as such."""
    for p in dict.fromkeys([pid, *_descendants(pid), *known]):
        with contextlib.suppress(OSError):
            pgid = os.getpgid(p)
            if pgid == p and pgid != os.getpgrp():
                os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(p, signal.SIGKILL)


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"信号 {-code}"


@dataclass
class _Job:
    """One task submitted to the pool."""

    key: Any
    task: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass
class _Worker:
    """A worker process and the pipes to it."""

    proc: Any
    conn: mpc.Connection
    lifeline: mpc.Connection
    job: _Job | None = None
    started: float = 0.0
    cpu_at_start: float = 0.0
    peak: float = 0.0
    tree: list[int] = field(default_factory=list)  # descendants at the last look
    tree_rss: float = 0.0
    tree_checked: float = 0.0
    shared_mb: float = 0.0  # resident but shared with the parent (a forked worker), last measured
    shared_checked: float = -1.0
    killed: str | None = None  # why the watchdog killed it: memory / timeout / cpu
    tasks: int = 0

    @property
    def pid(self) -> int:
        return int(self.proc.pid)


@dataclass
class Pool:
    """Worker processes that parse one file each at a time, supervised by the caller's thread.

    `map` (results in input order) and `imap_unordered` drive the pool from one thread; `run`
    parses one file and may be called from several threads at once (the web's upload jobs).
    """

    workers: int = 1
    limits: Limits = field(default_factory=Limits.from_env)
    max_tasks_per_worker: int = 500  # a fresh worker now and then: nothing leaks for ever
    start_method: str | None = None  # None: fork when single-threaded, else the fork server

    def __post_init__(self) -> None:
        self.workers = max(1, self.workers)
        self._idle: deque[_Worker] = deque()
        self._n_alive = 0
        self._lock = threading.Condition()
        self._closed = False

    # --- workers --------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        ctx = _context(self.start_method)
        if ctx.get_start_method() == "fork":
            _preload_here()
        parent, child = ctx.Pipe(duplex=True)
        life_r, life_w = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_worker_main, args=(child, life_r, self.limits), daemon=True, name="nianbao-parse"
        )
        try:
            proc.start()
        finally:
            child.close()
            life_r.close()
        return _Worker(proc, parent, life_w)

    def _retire(self, w: _Worker, kill: bool = False) -> None:
        if kill and w.proc.is_alive():
            _kill_tree(w.pid)
        elif w.proc.is_alive():
            with contextlib.suppress(OSError, BrokenPipeError):
                w.conn.send(None)
        w.proc.join(5 if not kill else 1)
        if w.proc.is_alive():
            _kill_tree(w.pid)
            w.proc.join(1)
        for c in (w.conn, w.lifeline):
            with contextlib.suppress(OSError):
                c.close()
        with contextlib.suppress(ValueError, AttributeError):
            w.proc.close()

    def _acquire(self) -> _Worker:
        """An idle worker, or a new one while below `workers`; blocks otherwise."""
        with self._lock:
            while True:
                if self._closed:
                    raise RuntimeError("pool closed")
                if self._idle:
                    return self._idle.popleft()
                if self._n_alive < self.workers:
                    self._n_alive += 1
                    break
                self._lock.wait()
        try:
            return self._spawn()
        except BaseException:
            with self._lock:
                self._n_alive -= 1
                self._lock.notify()
            raise

    def _release(self, w: _Worker, dead: bool) -> None:
        # a worker that grew large (OCR models, a big file's heap that malloc keeps) is replaced
        # rather than kept idle: a long-running server would hold that memory for nothing
        half = self.limits.memory_mb / 2
        swollen = half > 0 and _rss_mb(w.pid) > half and (_private_mb(w.pid) or 0) > half
        if not dead and (w.tasks >= self.max_tasks_per_worker or swollen):
            self._retire(w)
            dead = True
        with self._lock:
            if dead or self._closed:
                self._n_alive -= 1
            else:
                self._idle.append(w)
            self._lock.notify()
        if not dead and self._closed:
            self._retire(w)

    # --- one task on one worker -----------------------------------------------------------
    def _start(self, w: _Worker, job: _Job) -> None:
        env = {k: v for k, v in os.environ.items() if k.startswith("NIANBAO_")}
        w.job, w.started, w.peak, w.killed = job, time.monotonic(), 0.0, None
        w.cpu_at_start, w.tree, w.tree_rss, w.tree_checked = _cpu_seconds_of(w.pid), [], 0.0, 0.0
        w.tasks += 1
        w.conn.send((job.task, job.args, env))

    def _watch(self, w: _Worker, now: float) -> None:
        """Sample a busy worker; kill it at a limit."""
        lim = self.limits
        # subprocesses are found by scanning /proc (tens of ms on a busy machine): not for the
        # short files, and then every few seconds; a kill looks again
        if now - w.started >= _TREE_EVERY_S and now - w.tree_checked >= _TREE_EVERY_S:
            w.tree_checked = now
            w.tree = _descendants(w.pid)
            w.tree_rss = sum(_rss_mb(p) for p in w.tree)
        rss = _rss_mb(w.pid)
        if lim.memory_mb > 0 and rss > lim.memory_mb and now - w.shared_checked > 0.5:
            # resident pages include those shared with a forking parent: count only its own
            # (smaps is costly for a large process, so only near the limit, at most twice a second)
            private = _private_mb(w.pid)
            w.shared_checked = now
            if private is not None:
                w.shared_mb = max(rss - private, 0.0)
        rss = rss - w.shared_mb + w.tree_rss
        w.peak = max(w.peak, rss)
        why = None
        if lim.memory_mb > 0 and rss > lim.memory_mb:
            why = "memory"
        elif lim.wall_seconds > 0 and now - w.started > lim.wall_seconds:
            why = "timeout"
        elif lim.cpu_seconds > 0 and _cpu_seconds_of(w.pid) - w.cpu_at_start > lim.cpu_seconds + 5:
            why = "cpu"  # stuck in C code that SIGXCPU cannot interrupt
        if why:
            w.killed = why
            _kill_tree(w.pid, w.tree)

    def _finish(self, w: _Worker) -> tuple[Outcome, bool]:
        """The outcome of the worker's task once its pipe or its process says it is over;
        (outcome, whether the worker is gone)."""
        reply = None
        with contextlib.suppress(EOFError, OSError):
            if w.killed is None and w.conn.poll():
                reply = w.conn.recv()
        w.job = None
        lim = self.limits
        if reply is not None:
            kind, value = reply
            gone = kind in ("memory", "cpu") or not w.proc.is_alive()
            if kind == "ok" and lim.wall_seconds > 0 and time.monotonic() - w.started > lim.wall_seconds:
                # done, but after its time: the limit is the contract, whether the watchdog's
                # tick came first or the reply did
                return Outcome(error=TIMED_OUT.format(s=f"{lim.wall_seconds:g}"), kind="timeout"), _settle(
                    w, gone
                )
            if kind == "ok":
                return Outcome(value=value, peak_rss_mb=w.peak), _settle(w, gone)
            if kind == "memory":
                return Outcome(error=OUT_OF_MEMORY.format(mb=lim.memory_mb), kind="memory"), _settle(w, True)
            if kind == "cpu":
                return Outcome(error=CPU_EXCEEDED.format(s=f"{lim.cpu_seconds:g}"), kind="cpu"), _settle(
                    w, True
                )
            return Outcome(error=str(value), kind="error"), _settle(w, gone)
        # no reply: the worker died, or was killed by the watchdog
        w.proc.join(2)
        if w.killed == "memory":
            out = Outcome(error=OUT_OF_MEMORY.format(mb=lim.memory_mb), kind="memory")
        elif w.killed == "timeout":
            out = Outcome(error=TIMED_OUT.format(s=f"{lim.wall_seconds:g}"), kind="timeout")
        elif w.killed == "cpu":
            out = Outcome(error=CPU_EXCEEDED.format(s=f"{lim.cpu_seconds:g}"), kind="cpu")
        else:
            code = w.proc.exitcode
            how = _signal_name(code) if code is not None and code < 0 else f"退出码 {code}"
            if code == -signal.SIGKILL:
                how += "，可能是系统内存耗尽"
            out = Outcome(error=CRASHED.format(how=how), kind="crash")
        out.peak_rss_mb = w.peak
        _kill_tree(w.pid, w.tree)  # its LibreOffice, if any
        return out, _settle(w, True)

    # --- the public API -------------------------------------------------------------------
    def run(
        self, task: Callable[..., T], *args: Any, tick: Callable[[], None] | None = None, tick_s: float = 10.0
    ) -> Outcome:
        """Run `task(*args)` in a worker and wait for it; thread-safe. `tick` is called every
        `tick_s` seconds while waiting (a job's heartbeat)."""
        try:
            w = self._acquire()
        except OSError as exc:
            return Outcome(error=NOT_STARTED.format(why=exc.strerror or exc), own=False, kind="not-started")
        try:
            self._start(w, _Job(None, task, args))
        except (OSError, BrokenPipeError):
            out, gone = self._finish(w)
            self._release(w, gone)
            return out
        last_tick = time.monotonic()
        while True:
            ready = mpc.wait([w.conn, w.proc.sentinel], timeout=_SAMPLE_S)
            now = time.monotonic()
            if ready:
                out, gone = self._finish(w)
                self._release(w, gone)
                return out
            self._watch(w, now)
            if tick is not None and now - last_tick >= tick_s:
                last_tick = now
                tick()

    def imap_unordered(
        self, task: Callable[..., Any], jobs: Iterable[tuple[Any, tuple[Any, ...]]], window: int | None = None
    ) -> Iterator[tuple[Any, Outcome]]:
        """(key, outcome) for each (key, args) of `jobs`, as they finish. At most `window` jobs
        are taken from `jobs` ahead of the results (their arguments held in memory)."""
        window = max(window or self.workers * 2, self.workers)
        source = iter(jobs)
        queued: deque[_Job] = deque()
        busy: dict[int, _Worker] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and len(queued) + len(busy) < window:
                    try:
                        key, args = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    queued.append(_Job(key, task, tuple(args)))
                while queued and len(busy) < self.workers:
                    job = queued.popleft()
                    try:
                        w = self._acquire()
                    except OSError as exc:
                        why = exc.strerror or str(exc)
                        yield (
                            job.key,
                            Outcome(error=NOT_STARTED.format(why=why), own=False, kind="not-started"),
                        )
                        continue
                    try:
                        self._start(w, job)
                    except (OSError, BrokenPipeError):
                        out, gone = self._finish(w)
                        self._release(w, gone)
                        yield job.key, out
                        continue
                    busy[id(w)] = w
                if not busy:
                    if exhausted and not queued:
                        return
                    continue
                waitables: dict[Any, _Worker] = {}  # connections and process sentinels
                for w in busy.values():
                    waitables[w.conn] = w
                    waitables[w.proc.sentinel] = w
                ready = mpc.wait(list(waitables), timeout=_SAMPLE_S)
                now = time.monotonic()
                for w in {id(waitables[r]): waitables[r] for r in ready}.values():
                    key = w.job.key if w.job else None
                    del busy[id(w)]
                    out, gone = self._finish(w)
                    self._release(w, gone)
                    yield key, out
                for w in busy.values():
                    self._watch(w, now)
        finally:
            for w in busy.values():
                self._retire(w, kill=True)
                with self._lock:
                    self._n_alive -= 1
                    self._lock.notify()

    def map(
        self, task: Callable[..., Any], args: Iterable[tuple[Any, ...]], window: int | None = None
    ) -> Iterator[Outcome]:
        """Outcomes in the order of `args` (a slow file holds back the ones after it, not the
        workers: up to `window` later files are parsed meanwhile)."""
        window = window or self.workers * 4
        done: dict[int, Outcome] = {}
        nxt = 0
        for key, out in self.imap_unordered(task, enumerate(args), window):
            done[key] = out
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1
        while nxt in done:
            yield done.pop(nxt)
            nxt += 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = list(self._idle), deque()
            self._n_alive -= len(idle)
            self._lock.notify_all()
        for w in idle:
            self._retire(w)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _settle(w: _Worker, gone: bool) -> bool:
    return gone or not w.proc.is_alive()


# ---------------------------------------------------------------------------------------------
# one file at a time, from anywhere in the process

_SHARED: dict[Limits, Pool] = {}
_SHARED_LOCK = threading.Lock()


def _shared_pool(limits: Limits) -> Pool:
    with _SHARED_LOCK:
        pool = _SHARED.get(limits)
        if pool is None or pool._closed:
            if len(_SHARED) >= 4:  # callers with ever new limits: start over
                for old in _SHARED.values():
                    old.close()
                _SHARED.clear()
            n = int(_env_float("NIANBAO_ISOLATED_WORKERS", 2))
            pool = _SHARED[limits] = Pool(workers=n, limits=limits)
        return pool


def run_isolated(
    task: Callable[..., T], *args: Any, limits: Limits | None = None, tick: Callable[[], None] | None = None
) -> Outcome:
    """Run `task(*args)` in an isolated worker of this process's shared pool (thread-safe; at
    most `NIANBAO_ISOLATED_WORKERS` (2) at once, further callers wait). Idle workers stay for the
    next call. `limits`: `Limits.from_env()` unless given."""
    return _shared_pool(limits or Limits.from_env()).run(task, *args, tick=tick)


def _preload_here() -> None:
    """Before forking: import here what every worker needs, so that each does not import it again."""
    import importlib

    for m in _PRELOAD:
        importlib.import_module(m)


def preload(*modules: str) -> None:
    """Modules the fork server imports once for all workers; effective before the first worker."""
    _PRELOAD.extend(m for m in modules if m not in _PRELOAD)


def parse_isolated(
    name: str, data: bytes, limits: Limits | None = None, tick: Callable[[], None] | None = None
) -> tuple[Any, str | None]:
    """Parse one file's bytes in an isolated worker: `(report, None)` or `(None, Chinese error)`.

    The report is `nianbao.corpus.ingest.parse_item`'s (no Document attached, `source` = name;
    a file that is not a report is an error). For the web's upload jobs and the watch."""
    from ..corpus.ingest import parse_item

    out = run_isolated(parse_item, name, data, limits=limits, tick=tick)
    return out.value if out.ok else (None, out.error)
