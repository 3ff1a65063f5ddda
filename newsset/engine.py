"""Running chunks: in this process, in a local process pool, or on a Dask cluster.

Every engine runs the same pure `run_chunk(spec)` and yields results in chunk order, which is
what keeps a parallel or distributed build byte-identical to a serial one. Only a bounded
window of chunks is in flight, so the driver's memory does not grow with the corpus.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from .errors import ConfigError, WorkerError
from .nopandas import decline_pandas
from .sources import RANGE_BYTES, plenty

if TYPE_CHECKING:  # (chunk imports pyarrow: the CLI imports this module before it, see start_fork_server)
    from .chunk import ChunkResult, ChunkSpec

__all__ = ["Engine", "LocalPool", "check_engine", "pool_wanted", "resolve_jobs", "run_chunks", "start_fork_server",
           "SMALL", "watch_parent"]

Engine = Literal["local", "dask"]
WINDOW = 4  # chunks in flight per worker
SMALL = 256  # inputs below which a local build stays in one process (unless a record file is large)
PRELOAD = "newsset.preload"  # what the fork server imports before it forks a worker


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


JOBS_PER_CORE = 4  # the most local worker processes a core gets: past it they only cost memory and forks


def resolve_jobs(jobs: int | None, engine: str = "local") -> int:
    """`None` or 0 means one process per available core; otherwise a positive count (for the
    local engine at most `JOBS_PER_CORE` a core: `--jobs 10000` must not fork ten thousand processes)."""
    if jobs is None or jobs == 0:
        return cpu_count()
    if jobs < 0:
        raise ConfigError(f"--jobs: expected 0 (one per core) or a positive number, got {jobs}")
    return min(jobs, JOBS_PER_CORE * cpu_count()) if engine == "local" else jobs


def check_engine(engine: str, scheduler: str | None) -> None:
    """Fail before any work when the engine options cannot run."""
    if engine not in ("local", "dask"):
        raise ConfigError(f"--engine: expected local or dask, got {engine!r}")
    if scheduler is not None and engine != "dask":
        raise ConfigError("--scheduler goes with --engine dask")
    if scheduler is not None and not _SCHEDULER.match(scheduler):
        raise ConfigError(f"--scheduler: expected a Dask scheduler address like tcp://HOST:8786, got {scheduler!r}")
    if engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ConfigError("--engine dask needs Dask's distributed scheduler: pip install 'newsset[dask]'") from None


def pool_wanted(inputs: Sequence[str | os.PathLike[str]], jobs: int | None, engine: str) -> bool:
    """Whether a build should start local workers before it discovers its inputs: `--jobs` asks for
    several, or (`--jobs 0`, one per core) the inputs look like more than a small job."""
    n_jobs = resolve_jobs(jobs)
    return engine == "local" and n_jobs > 1 and bool(jobs or plenty(inputs, SMALL, RANGE_BYTES))


def start_fork_server() -> None:
    """Start the fork server now, if this platform has one: it imports newsset while this process
    goes on (the CLI calls this before its own heavy imports, so the two overlap). Harmless when
    no worker is ever asked for; a server that cannot start is left to `LocalPool`'s fallback."""
    ctx = _contexts()[0]
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with parent_noted(), _sigint_ignored(), contextlib.suppress(OSError):
        forkserver.ensure_running()


def run_chunks(specs: Sequence[ChunkSpec], jobs: int = 1, engine: Engine = "local",
               scheduler: str | None = None, pool: LocalPool | None = None) -> Generator[ChunkResult, None, None]:
    """Every chunk's result, in chunk order; `pool`: local workers started earlier (see `LocalPool`)."""
    from .chunk import run_chunk

    check_engine(engine, scheduler)
    if engine == "dask":
        yield from _dask(specs, scheduler, jobs)
    elif pool is not None:
        yield from pool.run(specs)
    elif jobs <= 1 or len(specs) <= 1:
        for spec in specs:
            yield run_chunk(spec)
    else:
        with LocalPool(jobs, specs[0].schema_path) as own:
            yield from own.run(specs)


def _ordered(specs: Sequence[ChunkSpec], submit: Any, window: int,
             result: Any = lambda future: future.result()) -> Iterator[ChunkResult]:
    """Submit at most `window` chunks ahead of the one being yielded."""
    pending: deque[Any] = deque()
    todo = iter(specs)
    for spec in todo:
        pending.append(submit(spec))
        if len(pending) >= window:
            break
    from concurrent.futures.process import BrokenProcessPool

    while pending:
        try:
            done = result(pending.popleft())
        except BrokenProcessPool:
            raise WorkerError("a worker process died (killed by a signal: out of memory, most often; from a script, "
                              "a missing `if __name__ == \"__main__\":` guard around the build, since workers import "
                              "the main module); nothing was published and the previous output is untouched. Try "
                              "fewer --jobs, or --near-dup off for pages of several MB") from None
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(submit(nxt))
        yield done


class LocalPool:
    """Worker processes started ahead of the work: each imports newsset and compiles the schema
    while the driver still discovers inputs and prepares the output. A fork server answers the
    first worker's start only once it has imported newsset (a fifth of a second), so that wait
    runs on a thread too. Closing it drops queued chunks and lets running ones (milliseconds)
    end; `close(unused=True)` stops workers that never got work without waiting for their start-up."""

    def __init__(self, jobs: int, schema_path: str) -> None:
        self.jobs, self.schema_path = jobs, schema_path
        self.starter: threading.Thread | None = None
        self.start_error: BaseException | None = None
        self.executor: Any = None
        # Processes may start until the pool closes (spawn starts them on demand): named till then.
        self.noted = contextlib.ExitStack()
        self.noted.enter_context(parent_noted())
        contexts = _contexts()
        for n, ctx in enumerate(contexts, start=1):
            try:
                self._start(ctx)
                return
            except OSError:  # no fork server here (its socket path too long for TMPDIR, say): spawn instead
                if self.executor is not None:  # (None: the executor itself could not start, out of files, say)
                    self.executor.shutdown(wait=True, cancel_futures=True)
                    self.executor = None
                if n == len(contexts):
                    self.noted.close()
                    raise

    def _start(self, ctx: Any) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_start_worker,
                                            initargs=(self.schema_path,))
        with _sigint_ignored():  # a process started now inherits an ignored SIGINT
            if ctx.get_start_method() == "forkserver":
                from multiprocessing import forkserver

                forkserver.ensure_running()  # the server, and so every worker it forks, ignores SIGINT
                self.starter = threading.Thread(target=self._submit_ready, name="newsset-pool-start", daemon=True)
                self.starter.start()
                return
            self._submit_ready()

    def _submit_ready(self) -> None:
        try:
            for _ in range(self.jobs):
                self.executor.submit(_ready)  # each submit starts one more process while none is idle
        except BaseException as e:  # re-raised (or recovered from) on the main thread, in _started
            if threading.current_thread() is threading.main_thread():
                raise
            self.start_error = e

    def _started(self) -> None:
        """Wait for the start-up thread; if the fork server failed after all, spawn workers."""
        if self.starter is None:
            return
        self.starter.join()
        self.starter = None
        if self.start_error is not None:
            error, self.start_error = self.start_error, None
            self.executor.shutdown(wait=True, cancel_futures=True)
            if not isinstance(error, OSError):
                raise error
            self._start(_contexts()[-1])

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, specs: Sequence[ChunkSpec]) -> Iterator[ChunkResult]:
        from .chunk import run_chunk

        self._started()
        yield from _ordered(specs, lambda spec: self.executor.submit(run_chunk, spec), self.jobs * WINDOW)

    def close(self, unused: bool = False) -> None:
        if self.starter is not None:
            self.starter.join()
            self.starter = None
        if unused:  # (the executor's own process table: without it, shutdown waits for the start-up)
            for proc in list((getattr(self.executor, "_processes", None) or {}).values()):
                proc.terminate()
        try:
            self.executor.shutdown(wait=True, cancel_futures=True)
        finally:
            self.noted.close()


def _contexts() -> list[Any]:
    """How to start workers, best first. Not fork: the driver runs writer threads, and fork with
    threads is unsafe. A fork server (where there is one) imports newsset once and forks each
    worker from it, already imported; spawn, where every worker imports newsset itself, is the
    fallback when there is no fork server or it cannot start."""
    import multiprocessing

    out = []
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([PRELOAD])  # (no effect once a fork server runs)
        out.append(ctx)
    return [*out, multiprocessing.get_context("spawn")]


PARENT_ENV = "NEWSSET_PARENT_PID"  # set by a process for the fork server or workers it starts: who to watch


def note_parent() -> None:
    """Tell the processes this one is about to start (a fork server, spawned workers) whom to watch."""
    os.environ[PARENT_ENV] = str(os.getpid())


@contextlib.contextmanager
def parent_noted() -> Iterator[None]:
    """`note_parent` while processes start, then the environment as it was: a program that calls
    `build()` does not keep newsset's variable (its own children would read it)."""
    before = os.environ.get(PARENT_ENV)
    note_parent()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PARENT_ENV, None)
        else:
            os.environ[PARENT_ENV] = before


def watch_parent(period: float = 0.5) -> None:
    """Exit this process when its parent dies. A driver killed outright (SIGKILL, an OOM kill)
    runs no clean-up: its fork server and workers, blocked on a result pipe nobody reads, would
    live on and hold the caller's stdout and stderr open (a CI step would hang). A dead process's
    children are re-parented at once, so the parent's pid changing is the sign. The parent to
    watch is the one `note_parent` named: a parent that died while this process still imported
    (before it could look) is caught too, where `os.getppid()` would already name the new one."""
    import time

    noted = os.environ.get(PARENT_ENV, "")
    parent = int(noted) if noted.isdigit() else os.getppid()
    if os.getppid() != parent:
        os._exit(1)
    note_parent()  # (a fork server's workers are forked with its environment: they watch it)

    def watch() -> None:
        while True:
            time.sleep(period)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="newsset-watchdog", daemon=True).start()


def _start_worker(schema_path: str) -> None:
    """A worker's one-time set-up, done before its first chunk arrives."""
    watch_parent()  # (a worker's parent: the fork server, which watches the driver in turn)
    decline_pandas()
    from .chunk import worker_schema
    from .text import special_chars

    worker_schema(schema_path)
    special_chars()


def _ready() -> None:
    return None


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C (and SIGHUP, a closed terminal) reaches every process of the terminal's group; the
    driver alone handles it. A process started while SIGINT is ignored keeps it ignored (Python
    installs no handler then), even during its imports, before any code of ours could run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


# The address forms `distributed` takes: an optional protocol, then host:port ([::1]:8786 for IPv6).
_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[\w.\-]+):\d{1,5}/?$")
CONNECT_TIMEOUT = 30  # seconds to reach the scheduler and hear it answer


def _connect(client_class: Any, address: str) -> Any:
    """A Client of the scheduler at `address`, or TimeoutError: a service that takes the connection
    and never answers would hold Client's handshake for ever (its timeout covers the connect only).
    The attempt runs on a daemon thread, so one that hangs does not keep the process alive."""
    done: list[Any] = []

    def attempt() -> None:
        try:
            done.append(client_class(address, timeout=CONNECT_TIMEOUT))
        except BaseException as e:  # handed to the caller
            done.append(e)

    thread = threading.Thread(target=attempt, name="newsset-dask-connect", daemon=True)
    thread.start()
    wait = CONNECT_TIMEOUT + min(5, CONNECT_TIMEOUT)
    thread.join(wait)
    if not done:
        raise TimeoutError(f"no answer in {wait:g} s (is it a Dask scheduler?)")
    if isinstance(done[0], BaseException):
        raise done[0]
    return done[0]


def _dask(specs: Sequence[ChunkSpec], scheduler: str | None, jobs: int) -> Iterator[ChunkResult]:
    """On the user's cluster (`scheduler` address) or on a LocalCluster started for this run.

    Tasks get file paths and return keys; each writes its part file under a name fixed by the
    chunk index, atomically, so a retried task (or a speculative duplicate) cannot duplicate or
    lose rows. Task keys are unique to the run, so a shared scheduler never mixes two builds.
    """
    import uuid

    from distributed import Client, LocalCluster

    from .chunk import run_chunk

    run = uuid.uuid4().hex[:12]
    cluster = None
    check_engine("dask", scheduler)  # (the address too: a build checked it before any work)
    try:
        if scheduler is None:
            with _sigint_ignored():  # (inherited: a Ctrl-C stops the driver, which closes the cluster)
                cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = _connect(Client, scheduler)
    except Exception as e:  # refused, timed out, or a service that is not Dask (distributed raises many kinds)
        if scheduler is None:
            raise
        reason = str(e).splitlines()[0][:160] if str(e) else type(e).__name__
        if isinstance(e, (OSError, TimeoutError)):  # (distributed's connect failures are OSErrors too)
            raise ConfigError(f"--scheduler: cannot reach a Dask scheduler at {scheduler}: {reason}") from None
        raise ConfigError(f"--scheduler: the service at {scheduler} does not answer as a Dask scheduler (is it one, "
                          f"running a distributed release close to this one?): {type(e).__name__}: {reason}") from None
    from distributed.scheduler import KilledWorker

    from .chunk import WorkerCodeError

    # (the futures of chunks not yet consumed: a future held keeps its result in a worker's memory)
    prefix, futures, finished = f"newsset-{run}-chunk-", dict[int, Any](), False
    try:
        _await_workers(client, scheduler)
        window = max(2, sum(client.nthreads().values())) * WINDOW

        def submit(spec: ChunkSpec) -> Any:
            future = futures[spec.index] = client.submit(run_chunk, spec, key=f"{prefix}{spec.index}", retries=2,
                                                         pure=False)
            return future

        try:
            for result in _ordered(specs, submit, window, partial(_result, client, scheduler)):
                futures.pop(result.index, None)
                _check_seen(result)
                yield result
        except KilledWorker as e:
            raise WorkerError(f"Dask workers died running a chunk ({e.args[0] if e.args else '?'}) three times: "
                              "killed by a signal, out of memory most often; nothing was published and the "
                              "previous output is untouched. Give the workers more memory, or use --near-dup off "
                              "for pages of several MB") from None
        except WorkerCodeError as e:
            raise WorkerError(f"a Dask worker runs other newsset code than this machine: {e}; nothing was "
                              "published") from None
        finished = True
    finally:
        with _sigint_ignored():  # (a second Ctrl-C while the cluster closes would break its closing off)
            if not finished and futures:  # (an error or Ctrl-C: tasks still running would write their
                _stop(client, list(futures.values()), prefix)  # parts into the staging folder as it is removed)
            client.close()
            if cluster is not None:
                cluster.close()


WORKER_WAIT = 600  # seconds a user's cluster may take to have a worker (an autoscaler starting one)


def _result(client: Any, scheduler: str | None, future: Any) -> ChunkResult:
    """A chunk's result; a cluster whose workers all left mid-build (it would wait for ever, silently)
    is waited for as one with none at the start."""
    while True:
        try:
            return future.result(timeout=5)  # type: ignore[no-any-return]
        except TimeoutError:
            if not client.scheduler_info().get("workers"):
                _await_workers(client, scheduler)


STOP_WAIT = 60  # seconds to let chunks already running end, after a failure or Ctrl-C


def _await_workers(client: Any, scheduler: str | None) -> None:
    """A cluster with no worker would hold the build for ever, silently: say so, wait a while, then stop."""
    if client.scheduler_info().get("workers"):
        return
    import sys

    print(f"newsset build: the Dask cluster at {scheduler} has no worker: waiting up to {WORKER_WAIT} s for "
          "one", file=sys.stderr, flush=True)
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError:
        raise ConfigError(f"--scheduler: the Dask cluster at {scheduler} had no worker for {WORKER_WAIT} s: start "
                          "workers (`dask worker ADDRESS`) with newsset installed") from None


def _stop(client: Any, futures: list[Any], prefix: str) -> None:
    """Cancel the chunks not started and wait (at most STOP_WAIT s) for those running to end: a task
    cannot be interrupted, and one still running writes its part after the driver is gone. (A
    cancelled task leaves the scheduler's books at once, while its worker goes on: the running ones
    are waited for before they are cancelled.)"""
    import sys
    import time

    try:
        busy = {str(k) for keys in client.processing().values() for k in keys if str(k).startswith(prefix)}
    except Exception:  # (the scheduler gone: nothing runs for this build any more)
        busy = set()
    running = [f for f in futures if str(f.key) in busy]
    client.cancel([f for f in futures if str(f.key) not in busy], force=True)
    if running:
        print(f"newsset build: waiting for {len(running)} chunk(s) still running on the cluster (at most "
              f"{STOP_WAIT} s)", file=sys.stderr, flush=True)
        deadline = time.monotonic() + STOP_WAIT
        while time.monotonic() < deadline and not all(f.done() for f in running):
            time.sleep(0.1)
        client.cancel(running, force=True)


def _check_seen(result: ChunkResult) -> None:
    """A worker that cannot see an input this machine listed: its files would be rejected as missing
    and the build would publish without them. An input removed since the listing is missing here too."""
    import errno

    missing = os.strerror(errno.ENOENT)
    for _, item in result.rejected:
        if any(i.code == "input.unreadable" and i.got == missing for i in item.issues) \
                and os.path.exists(item.source.path):
            raise WorkerError(f"a Dask worker cannot find {item.source.path}, which this machine reads: inputs "
                              "(and --out) must be on storage every worker reads at the same path (a shared file "
                              "system); nothing was published and the previous output is untouched")
