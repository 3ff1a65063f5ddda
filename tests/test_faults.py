"""Faults: a build killed at any moment, a full disk, a file-size limit, a failing publish, two
builds at once, Ctrl-C — the previous output always survives and the next build succeeds. And
conservation as a property: every input is a row or a reject, whatever the mix and the order."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsset
from newsset.synth import BAD_KINDS, encode_page, make_bad_page, make_page, write_corpus
from newsset.verify import verify
from tests.conftest import page

PY = [sys.executable, "-m", "newsset"]


def snapshot(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def no_partial_parquet(out: Path) -> None:
    """Every Parquet file under the output reads (a killed writer leaves a footer-less file)."""
    for f in out.rglob("*.parquet"):
        pq.read_metadata(f)
    assert not list(out.rglob("*.part")) and not list(out.rglob("*.tmp*"))


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("faults") / "raw"
    write_corpus(raw, 1500, seed=31, dup_rate=0.02, bad_rate=0.02)
    return raw


def _phase(parent: Path, name: str) -> str | None:
    """What a running build has written so far, from its staging folder."""
    stage = next(iter(parent.glob(f".{name}.staging-*")), None)
    if stage is None:
        return None
    if (stage / "README.md").exists():
        return "card"
    if list(stage.glob("*/*.parquet.part")) or list(stage.glob("*/*.parquet")):
        return "shards"
    if list(stage.glob(".parts/*.arrow*")):
        return "parts"
    return "staging"


@pytest.mark.parametrize("target", ["staging", "parts", "shards", "card", "late"])
def test_sigkill_at_any_phase_leaves_the_previous_output_and_the_next_build_succeeds(big: Path, tmp_path: Path,
                                                                                       target: str) -> None:
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    args = [*PY, "build", str(big), "--out", str(out), "--seed", "2", "-q", "--jobs", "2"]
    proc = subprocess.Popen(args, stderr=subprocess.DEVNULL, start_new_session=True)
    seen = set()
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        phase = _phase(tmp_path, "out")
        if phase:
            seen.add(phase)
        if phase == target or (target == "late" and phase == "card"):
            if target == "late":
                time.sleep(0.05)
            break
        time.sleep(0.002)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, as an OOM killer or `kill -9` would
    proc.wait()
    # Whatever the moment: a complete dataset at `out`, the old one or (if the kill came after
    # publishing) the new one — never a mix, never a half-written file.
    after = snapshot(out)
    assert "manifest.json" in after
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["seed"] in (1, 2)
    if manifest["options"]["seed"] == 1:
        assert after == before
    no_partial_parquet(out)
    assert verify(out, load=False).ok
    # The next build cleans the stale staging folder and succeeds.
    r = newsset.build([big], out, seed=3, jobs=1)
    assert r.written and json.loads((out / "manifest.json").read_text())["options"]["seed"] == 3
    assert not list(tmp_path.glob(".out.staging-*")) and not list(tmp_path.glob(".out.old-*"))
    no_partial_parquet(out)


def test_a_kill_between_the_two_renames_of_publish_is_repaired(big: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    os.replace(out, tmp_path / ".out.old-12345")  # as publish() leaves it if killed right there
    r = newsset.build([big], out, seed=1, jobs=1, on_invalid="fail")  # writes nothing: rejects exist
    assert not r.written
    assert snapshot(out) == before  # the old output was put back before anything else


def test_a_removal_of_the_replaced_output_cut_short_leaves_nothing_later_builds_take(
        big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The replaced output is renamed `.NAME.deleting-PID` before it is removed: a removal cut short
    (Ctrl-C, a kill) once left a `.old-` folder without its manifest, whose task shards later builds
    carried into the new dataset as if they were the user's."""
    from newsset import publish as write

    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    real = write._remove_tree

    def cut_short(path: Path) -> None:
        if ".deleting-" in path.name:
            (path / "manifest.json").unlink()  # rmtree's order: the manifest may go before the shards
            raise KeyboardInterrupt
        real(path)

    monkeypatch.setattr(write, "_remove_tree", cut_short)
    r = newsset.build([big], out, seed=2, jobs=1)  # published: a Ctrl-C in the clean-up is no failure
    monkeypatch.undo()
    assert r.written and json.loads((out / "manifest.json").read_text())["options"]["seed"] == 2
    left = list(tmp_path.glob(".out.deleting-*"))
    assert len(left) == 1 and list(left[0].glob("headline_generation/*.parquet"))
    assert not list(tmp_path.glob(".out.old-*"))
    newsset.build([big], out, seed=3, jobs=1)
    assert not list(tmp_path.glob(".out.deleting-*"))
    assert verify(out, load=False).ok  # no shard of the old build was carried in
    assert len(list(out.glob("headline_generation/*.parquet"))) == len(list(out.glob("data/*.parquet")))


def test_a_worker_process_that_dies_is_a_one_line_error(tmp_path: Path) -> None:
    """The OOM killer's usual pick is a worker: exit 3 with a message, not a BrokenProcessPool traceback."""
    from concurrent.futures import ProcessPoolExecutor

    from newsset.engine import _ordered

    with ProcessPoolExecutor(1) as pool, pytest.raises(newsset.WorkerError, match="a worker process died"):
        list(_ordered([1, 2], lambda _spec: pool.submit(os._exit, 9), 2))  # type: ignore[list-item]


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EACCES])
def test_a_full_disk_or_permission_error_mid_build_is_exit_3_and_keeps_the_old_output(
        big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        err: int) -> None:
    from newsset.cli import main

    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    calls = {"n": 0}
    real = pq.ParquetWriter.write_table

    def failing(self: pq.ParquetWriter, *a: object, **k: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # mid-build: some row groups are written already
            raise OSError(err, os.strerror(err), "data/train-00000.parquet.part")
        real(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing)
    status = main(["build", str(big), "--out", str(out), "--seed", "2", "--jobs", "1"])
    msg = capsys.readouterr().err
    assert status == 3
    assert os.strerror(err) in msg and "previous output is untouched" in msg and str(out) in msg
    if err == errno.ENOSPC:
        assert "Free some disk space" in msg
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".out.staging-*"))


def test_a_real_write_limit_in_a_worker_process_is_exit_3(big: Path, tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse writes past 200 KB (EFBIG), in the driver and the
    workers alike: the build reports it and leaves the previous output alone."""
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    code = ("import resource, signal, sys\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))\n"
            "from newsset.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", code, "build", str(big), "--out", str(out), "--seed", "2",
                           "--jobs", "2"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3, proc.stderr
    assert "cannot write the dataset" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(out) == before


def test_a_failing_publish_keeps_the_old_output(big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    real = os.replace

    def deny(src: object, dst: object) -> None:
        if ".staging-" in str(src) and Path(str(dst)) == out.absolute():  # the final swap only
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real(src, dst)  # type: ignore[arg-type]

    from newsset import publish as write

    monkeypatch.setattr(os, "replace", deny)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)  # (a system without renameat2: two renames)
    with pytest.raises(newsset.OutputError, match="cannot publish"):
        newsset.build([big], out, seed=2, jobs=1)
    monkeypatch.undo()
    assert snapshot(out) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_publish_swaps_in_one_step_so_out_is_never_missing(big: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Two renames left no dataset at `out` between them: to a kill -9 there (the next build put it
    back), and to any reader meanwhile. On Linux the staged folder and the old one are exchanged."""
    from newsset import publish as write

    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    real, publish = os.replace, write.Staging.publish
    seen: list[bool] = []

    def watch(src: object, dst: object) -> None:
        seen.append(out.is_dir())
        real(src, dst)  # type: ignore[arg-type]
        seen.append(out.is_dir())

    def watched(stage: write.Staging) -> None:
        with monkeypatch.context() as m:
            m.setattr(os, "replace", watch)
            publish(stage)

    monkeypatch.setattr(write.Staging, "publish", watched)
    r = newsset.build([big], out, seed=2, jobs=1)
    monkeypatch.undo()
    assert r.written and json.loads((out / "manifest.json").read_text())["options"]["seed"] == 2
    assert seen and all(seen)
    assert [p.name for p in tmp_path.glob(".out.*")] == [".out.lock"]  # (no staging or old folder left)


def test_a_rebuild_never_moves_out_away_before_publishing(big: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A probe at the start (can the folder be renamed?) moved `out` away and back on every build:
    a reader polling it found no manifest, and a kill -9 between the two left no dataset there. It
    runs only on an overlay file system now, where the answer may be no."""
    from newsset import publish as write

    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    real = os.replace
    seen: list[bool] = []

    def watch(src: object, dst: object) -> None:
        seen.append(out.is_dir())
        real(src, dst)  # type: ignore[arg-type]
        seen.append(out.is_dir())

    monkeypatch.setattr(os, "replace", watch)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)  # (two renames at publish: out missing there)
    publish = write.Staging.publish

    def unwatched(stage: write.Staging) -> None:
        seen.append(True)
        with monkeypatch.context() as m:
            m.setattr(os, "replace", real)
            publish(stage)

    monkeypatch.setattr(write.Staging, "publish", unwatched)
    newsset.build([big], out, seed=2, jobs=1)
    monkeypatch.undo()
    assert seen and all(seen)
    assert json.loads((out / "manifest.json").read_text())["options"]["seed"] == 2


class _Killed(BaseException):
    """A kill -9: nothing after it runs in the process."""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_a_kill_right_after_the_swap_loses_none_of_the_users_files(big: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The swap once left the old output, still holding the user's files (a Hub clone's .git, a
    LICENSE) until they were carried over, under the staging folder's name, which the next build
    removes whole: a kill there lost them. Now it lies where the next build carries them from."""
    from newsset import publish as write

    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    (out / "LICENSE").write_text("mine\n")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    real = write._exchange

    def swap_then_die(a: Path, b: Path) -> bool:
        assert real(a, b)
        raise _Killed

    monkeypatch.setattr(write, "_exchange", swap_then_die)
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)  # (a kill -9 runs no clean-up)
    with pytest.raises(_Killed):
        newsset.build([big], out, seed=2, jobs=1)
    monkeypatch.undo()
    assert json.loads((out / "manifest.json").read_text())["options"]["seed"] == 2  # (swapped in already)
    newsset.build([big], out, seed=3, jobs=1)
    assert (out / "LICENSE").read_text() == "mine\n" and (out / ".git" / "HEAD").is_file()
    assert verify(out, load=False).ok


def test_a_second_build_into_the_same_out_fails_fast_and_the_first_completes(big: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = subprocess.Popen([*PY, "build", str(big), "--out", str(out), "-q", "--jobs", "1"],
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.staging-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    t0 = time.monotonic()
    second = subprocess.run([*PY, "build", str(big), "--out", str(out), "-q"], capture_output=True, text=True)
    assert second.returncode == 3 and "another newsset build is writing" in second.stderr
    assert time.monotonic() - t0 < 15  # fails fast: it does not wait for the first
    assert first.wait(timeout=300) == 0
    assert verify(out, load=False).ok


def _build_until_working(big: Path, out: Path, tmp_path: Path) -> subprocess.Popen[str]:
    """A two-worker build in a session of its own, returned once it writes parts (or has ended)."""
    proc = subprocess.Popen([*PY, "build", str(big), "--out", str(out), "--seed", "2", "--jobs", "2"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while proc.poll() is None and _phase(tmp_path, "out") not in ("parts", "shards") and time.monotonic() < deadline:
        time.sleep(0.002)
    return proc


@pytest.mark.usefixtures("sigint_default")
@pytest.mark.parametrize("group", [True, False])
def test_ctrl_c_stops_promptly_cleans_up_and_exits_130(big: Path, tmp_path: Path, group: bool) -> None:
    """A terminal sends SIGINT to the whole foreground group; `kill -INT` to the driver alone, whose
    workers then run on with their chunks: they end before the staging folder goes (they wrote
    their parts into it while it was being removed, and a `.parts` folder was left behind)."""
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    proc = _build_until_working(big, out, tmp_path)
    t0 = time.monotonic()
    if proc.poll() is None:
        if group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before Ctrl-C arrived")
    assert proc.returncode == 130, err
    assert time.monotonic() - t0 < 10
    assert "interrupted" in err and "Traceback" not in err
    assert snapshot(out) == before
    time.sleep(0.5)  # (a worker outliving the driver would write its part by now)
    assert not list(tmp_path.glob(".out.staging-*"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_clean_up_like_ctrl_c(big: Path, tmp_path: Path, sig: signal.Signals) -> None:
    """A CI timeout or `kill` sends SIGTERM to the driver alone; a closed terminal or ssh session, SIGHUP."""
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    before = snapshot(out)
    proc = _build_until_working(big, out, tmp_path)
    if proc.poll() is None:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before the signal arrived")
    assert proc.returncode == 128 + sig, err
    assert ("hung up (SIGHUP" if sig == signal.SIGHUP else "terminated") in err and "Traceback" not in err
    assert snapshot(out) == before and not list(tmp_path.glob(".out.staging-*"))


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_a_killed_driver_takes_its_workers_with_it(big: Path, tmp_path: Path) -> None:
    """SIGKILL runs no clean-up: the fork server and workers must notice and end, or they hold the
    caller's pipes open and a CI step that reads them hangs."""
    proc = subprocess.Popen([*PY, "build", str(big), "--out", str(tmp_path / "out"), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    helpers: set[int] = set()
    while proc.poll() is None and time.monotonic() < deadline and len(helpers) < 3:
        helpers = _descendants(proc.pid)  # the fork server, its workers (and multiprocessing's resource tracker)
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the build finished before its workers were seen")
    proc.kill()
    proc.communicate(timeout=30)  # returns only once every process holding the pipes has ended
    time.sleep(0.2)
    alive = {p for p in helpers if Path(f"/proc/{p}").exists()
             and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"}
    assert not alive


@pytest.mark.parametrize("noted, alive", [("1", False), ("self", True)])
def test_a_helper_whose_driver_died_while_it_imported_ends_at_once(noted: str, alive: bool) -> None:
    """The fork server took its parent's pid from os.getppid() after its 0.2 s of imports: a driver
    killed in that window had already handed it to init, which it then watched forever (it and a
    worker outlived the build, holding the caller's output open). It now watches the pid the driver
    noted in its environment, and ends at once when that is no longer its parent."""
    code = "from newsset.engine import watch_parent; watch_parent(); print('watching')"
    env = {**os.environ, "NEWSSET_PARENT_PID": str(os.getpid()) if noted == "self" else noted}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == ((0, "watching") if alive else (1, ""))


# ---------------------------------------------------------------- conservation

_inputs = st.lists(st.tuples(st.sampled_from(["good", "good", "good", "dup", "bad"]), st.integers(0, 10_000)),
                   min_size=1, max_size=25)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mix=_inputs, shuffle_seed=st.integers(0, 1000))
def test_every_input_is_a_row_or_a_reject_whatever_the_mix_and_order(tmp_path_factory: pytest.TempPathFactory,
                                                                     mix: list[tuple[str, int]],
                                                                     shuffle_seed: int) -> None:
    root = tmp_path_factory.mktemp("mix")
    names: list[tuple[str, bytes]] = []
    made: list[bytes] = []
    for k, (kind, seed) in enumerate(mix):
        rng = random.Random(seed)
        if kind == "dup" and made:
            data = made[seed % len(made)]
        elif kind == "bad":
            data = make_bad_page(rng, rng.choice(sorted(BAD_KINDS)))
        else:
            data = encode_page(rng, make_page(rng, index=k)[0])
            made.append(data)
        names.append((f"p{k:03d}.txt", data))
    outs = []
    for order in (0, 1):
        raw = root / f"raw{order}"
        raw.mkdir()
        listing = list(names)
        if order:
            random.Random(shuffle_seed).shuffle(listing)  # a different creation order on disk
        for name, data in listing:
            (raw / name).write_bytes(data)
        r = newsset.build([raw], root / f"out{order}", near_dup="off", jobs=1)
        assert r.inputs == len(mix)
        assert r.total_rows + r.total_rejected == len(mix)
        if r.empty:  # every input refused: nothing is written (a dataset of no rows loads nowhere)
            assert not r.written and r.total_rejected == len(mix) and not (root / f"out{order}").exists()
            outs.append({})
            continue
        rejects = (root / f"out{order}" / "rejects.jsonl").read_text().splitlines()
        assert len(rejects) == r.total_rejected
        outs.append({p.name: p.read_bytes() for p in (root / f"out{order}").rglob("*.parquet")})
    assert outs[0] == outs[1]


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_a_lock_file_that_is_no_file_is_named(big: Path, tmp_path: Path, kind: str) -> None:
    """`cannot prepare the output folder ...: Is a directory` never said which file was wrong."""
    lock = tmp_path / ".out.lock"
    if kind == "fifo":
        os.mkfifo(lock)
    elif kind == "folder":
        lock.mkdir()
    else:
        lock.symlink_to(tmp_path / "gone" / "x.lock")
    with pytest.raises(newsset.OutputError,
                       match=r"lock file .*\.out\.lock \(newsset's, beside the dataset folder\).*remove it"):
        newsset.build([big], tmp_path / "out", jobs=1)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc, where no file can be made")
def test_a_lock_file_that_cannot_be_made_names_its_folder_not_a_file_to_remove(big: Path) -> None:
    with pytest.raises(newsset.OutputError, match=r"the folder it goes in, /proc, must exist and be writable") as e:
        newsset.build([big], "/proc/newsset-test-out", jobs=1)
    assert "remove it" not in str(e.value)


def test_the_lock_of_an_out_inside_the_input_is_not_counted_as_an_input(tmp_path: Path) -> None:
    """The second of two builds of one folder counted the first's `.ds.lock` as a hidden file passed
    over: two builds of the same input gave different manifests."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(3):
        (raw / f"p{i}.txt").write_text(page(title=f"Story {i}"), encoding="utf-8")
    first = newsset.build([raw], raw / "ds", jobs=1)
    assert (raw / ".ds.lock").exists()
    second = newsset.build([raw], raw / "ds", jobs=1)
    assert first.ignored == second.ignored and not second.ignored


# ---------------------------------------------------------------- resources the system refuses

@pytest.mark.parametrize("error", [RuntimeError("can't start new thread"),
                                   OSError(errno.EMFILE, "Too many open files")])
def test_a_refused_resource_is_a_located_exit_3_not_a_traceback(tmp_path: Path, error: Exception,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A container's low `ulimit` (threads, open files) gave tracebacks with exit 1, "the input has
    problems"; the previous output must stay as it was."""
    import newsset.pipeline
    from newsset.cli import main

    raw = tmp_path / "raw"
    write_corpus(raw, 20, seed=3, dup_rate=0.0, bad_rate=0.0)
    out = tmp_path / "out"
    newsset.build([raw], out)
    before = snapshot(out)

    def refuse(*a: object, **k: object) -> None:
        raise error

    monkeypatch.setattr(newsset.pipeline, "Router", refuse)
    assert main(["build", str(raw), "--out", str(out), "-q", "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("ulimit" in err) and "error:" in err
    assert snapshot(out) == before


def test_a_pool_whose_executor_cannot_start_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """ProcessPoolExecutor failing at once (no file descriptors left) hid behind an AttributeError."""
    import concurrent.futures

    from newsset.engine import LocalPool
    from newsset.schema import bundled_schema_path

    def no_files(*a: object, **k: object) -> None:
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_files)
    with pytest.raises(OSError) as info:
        LocalPool(2, str(bundled_schema_path()))
    assert info.value.errno == errno.EMFILE


def test_the_cli_raises_its_soft_limit_of_open_files() -> None:
    """A soft limit of a few dozen (below a hard limit that allows more) is raised at start-up."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 256:
        pytest.skip("the hard limit is itself low")
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, (32, resource.getrlimit("
            "resource.RLIMIT_NOFILE)[1])); from newsset.cli import _more_open_files; _more_open_files(); "
            "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])")
    got = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert got >= 256


@pytest.mark.usefixtures("sigint_default")
def test_an_interrupt_between_the_rename_probes_two_renames_leaves_the_output_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether `--out` can be renamed is tried by renaming it away and back, at the start of every
    rebuild: a Ctrl-C between the two left no dataset at `--out` until the next build."""
    import newsset.publish

    raw = tmp_path / "raw"
    write_corpus(raw, 12, seed=5, dup_rate=0.0, bad_rate=0.0)
    out = tmp_path / "out"
    newsset.build([raw], out)
    before = snapshot(out)
    real = os.replace

    def interrupted(src: object, dst: object) -> None:
        real(src, dst)  # type: ignore[arg-type]
        if ".old-" in os.fspath(dst):  # type: ignore[arg-type]
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(newsset.publish.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        newsset.build([raw], out)
    assert snapshot(out) == before


def test_a_schema_edited_during_a_build_is_not_what_the_dataset_publishes(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The records are checked against the schema as it was loaded; schema.json was copied from the
    file at the end, edited meanwhile (a user iterating on it), and `verify` found it consistent."""
    import newsset.pipeline
    from newsset.schema import bundled_schema_path

    raw = tmp_path / "raw"
    write_corpus(raw, 300, seed=6, dup_rate=0.0, bad_rate=0.0)
    schema = tmp_path / "my.schema.json"
    schema.write_bytes(bundled_schema_path().read_bytes())
    original = schema.read_bytes()
    real = newsset.pipeline.run_chunks

    def edit_after_first(*a: object, **k: object) -> object:
        for n, res in enumerate(real(*a, **k)):  # type: ignore[arg-type]
            if n == 0:
                doc = json.loads(original)
                doc["properties"]["title"]["maxLength"] = 10
                schema.write_text(json.dumps(doc), encoding="utf-8")
            yield res

    monkeypatch.setattr(newsset.pipeline, "run_chunks", edit_after_first)
    out = tmp_path / "out"
    try:
        newsset.build([raw], out, schema=schema, jobs=1)
    except newsset.ConfigError as e:  # (a worker that loaded the edited file refuses: two schemas)
        assert "changed during the build" in str(e) and not out.exists()
        return
    assert (out / "schema.json").read_bytes() == original
    assert verify(out).ok


def test_an_output_replaced_by_a_users_folder_during_the_build_is_left_alone(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out` was checked to be a newsset dataset only at the start: a folder of the user's put
    there meanwhile (`rm -r ds && git clone ... ds`) lost its README.md, data/ and images/ files."""
    import shutil

    import newsset.pipeline

    raw = tmp_path / "raw"
    write_corpus(raw, 60, seed=8, dup_rate=0.0, bad_rate=0.0)
    out = tmp_path / "ds"
    newsset.build([raw], out)
    real = newsset.pipeline.run_chunks

    def replaced_meanwhile(*a: object, **k: object) -> object:
        shutil.rmtree(out)
        (out / "data").mkdir(parents=True)
        (out / "README.md").write_text("# my notes\n")
        (out / "data" / "survey.csv").write_text("a,b\n")
        yield from real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(newsset.pipeline, "run_chunks", replaced_meanwhile)
    with pytest.raises(newsset.OutputError, match="replaced during the build"):
        newsset.build([raw], out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["README.md", "data", "data/survey.csv"]
    assert (out / "README.md").read_text() == "# my notes\n"
    assert not list(tmp_path.glob(".ds.*-*"))  # (no staging folder left behind)


def test_a_closed_stdout_is_an_output_error_not_a_traceback(tmp_path: Path) -> None:
    """Started with `>&-`: a command whose product is what it prints exits 3 with one line (validate
    exited 1, "the input has problems", on a valid page, with a traceback); a build, whose product is
    the folder, and a report written with -o run as usual."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(" date 2024-01-01 A valid page\n\nA paragraph of text long enough to be a body.\n",
                               encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from newsset.cli import run; run()", *args],
                              stderr=subprocess.PIPE, text=True, cwd=tmp_path, preexec_fn=lambda: os.close(1))

    for args in (["validate", "raw"], ["parse", "raw"], ["explain", "input.empty"]):
        proc = run(*args)
        assert proc.returncode == 3 and "standard output is closed" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("validate", "raw", "-o", "report.txt")
    assert proc.returncode == 0 and (tmp_path / "report.txt").read_text(encoding="utf-8").strip().endswith("valid")
    proc = run("build", "raw", "--out", "ds", "-q")
    assert proc.returncode == 0 and (tmp_path / "ds" / "manifest.json").is_file()


def test_a_signal_held_through_the_swap_is_said_as_after_publishing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """SIGTERM during the final swap is held until the swap is done, then acts: the new dataset is in
    place, complete. The CLI said `terminated` and exited 143, as though the old one still were."""
    from newsset import publish as write
    from newsset.cli import main

    raw = tmp_path / "raw"
    write_corpus(raw, 20, seed=3, dup_rate=0.0, bad_rate=0.0)
    out = tmp_path / "out"
    assert main(["build", str(raw), "--out", str(out), "-q", "--seed", "1"]) == 0
    carry = write._carry_foreign

    def carry_then_signal(*args: object) -> object:
        done = carry(*args)  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGTERM)  # (held: the swap is still under way)
        return done

    monkeypatch.setattr(write, "_carry_foreign", carry_then_signal)
    capsys.readouterr()
    assert main(["build", str(raw), "--out", str(out), "-q", "--seed", "2"]) == 0
    assert "terminated after the dataset was published" in capsys.readouterr().err
    assert json.loads((out / "manifest.json").read_text())["options"]["seed"] == 2
    assert verify(out, load=False).ok


def test_a_published_build_ignores_signals_while_the_process_shuts_down(tmp_path: Path) -> None:
    """Outside audit h26 #6: a SIGTERM in the ~50 ms between a published build's summary and the
    process's end killed it (143) though its dataset was complete; the console entry point ignores
    the three signals once the dataset is published (atexit runs after that: it sees them)."""
    raw = tmp_path / "raw"
    write_corpus(raw, 5, seed=3, dup_rate=0.0, bad_rate=0.0)
    probe = ("import atexit, signal, sys\n"
             "atexit.register(lambda: print('ignored' if all(signal.getsignal(s) == signal.SIG_IGN for s in "
             "(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)) else 'default'))\n"
             "from newsset.cli import run\n"
             "sys.argv = ['newsset', *sys.argv[1:]]\n"
             "run()\n")
    for args, status, said in ((["build", str(raw), "--out", str(tmp_path / "out"), "-q"], 0, "ignored"),
                               (["build", str(tmp_path / "missing"), "--out", str(tmp_path / "o2")], 2, "default")):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
        assert (proc.returncode, proc.stdout.strip().splitlines()[-1]) == (status, said), proc.stderr


def test_a_file_size_limit_met_by_a_shard_is_a_clean_error_not_an_abort(tmp_path: Path) -> None:
    """Outside audit h26 #5: with `ulimit -f` met while a shard is written, Arrow's Parquet writer
    met EFBIG inside a column and aborted the process (134, no message, staging left); at this size
    Arrow reports it, and at a 20,000-page build's it aborted: the next test checks the guard."""
    resource = pytest.importorskip("resource")
    raw = tmp_path / "raw"
    write_corpus(raw, 1500, seed=5, dup_rate=0.0, bad_rate=0.0)
    limit = 700_000  # (over each chunk's part, under the train shard)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([*PY, "build", str(raw), "--out", str(tmp_path / "out"),
                           "--jobs", "1", "-q"], capture_output=True, text=True, timeout=300, preexec_fn=cap)
    assert proc.returncode == 3, proc.stderr
    assert "File too large" in proc.stderr and "nothing was published" in proc.stderr
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.staging-*"))


def test_a_shard_writer_refuses_a_row_group_past_the_file_size_limit(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The check behind the test above, at the size where Arrow aborted (a 20,000-page build under
    `ulimit -f 8000`): a row group that could cross the limit is an EFBIG OSError before it is written."""
    import pyarrow as pa

    from newsset import write

    schema = pa.schema([("body", pa.string())])
    rng = random.Random(5)
    batch = pa.record_batch([pa.array(["".join(rng.choices("0123456789abcdef", k=1000)) for _ in range(100)])],
                            schema=schema)  # (text that compresses about in half: the file grows)
    monkeypatch.setattr(write, "_file_size_limit", lambda: 200_000)
    w = write.ShardWriter(tmp_path, "train", schema, row_group_rows=100)
    w.write(batch)  # (the first group fits)
    with pytest.raises(OSError) as info:
        w.write(batch)
    assert info.value.errno == errno.EFBIG and "file-size limit, 200,000 bytes" in str(info.value)


@pytest.mark.usefixtures("sigint_default")  # (the child's Ctrl-C is the default one, not an ignored one inherited)
@pytest.mark.parametrize("module", ["cli", "nopandas"])
def test_ctrl_c_while_the_command_loads_says_so_without_a_traceback(tmp_path: Path, module: str) -> None:
    """A Ctrl-C in the first ~0.1 s of `newsset ...` (the parser's and the CLI's modules loading,
    before any command handles it) printed a KeyboardInterrupt traceback. The signal is raised as
    the module named is imported (the CLI's own modules; then a command's first import)."""
    script = (
        "import builtins, signal, sys\n"
        "real = builtins.__import__\n"
        "def hook(name, globals=None, locals=None, fromlist=(), level=0):\n"
        f"    if name == {module!r} and level == 1:\n"
        "        signal.raise_signal(signal.SIGINT)\n"
        "    return real(name, globals, locals, fromlist, level)\n"
        "builtins.__import__ = hook\n"
        f"sys.argv = ['newsset', 'build', {str(tmp_path / 'in')!r}, '--out', {str(tmp_path / 'out')!r}]\n"
        "import newsset\n"
        "newsset._command()\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(page())
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (130, "newsset: interrupted\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("err, says", [(errno.EROFS, "mounted read-only"), (errno.EACCES, "not writable by this user")])
def test_a_lock_file_that_cannot_be_opened_is_told_why(big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        err: int, says: str) -> None:
    """On a read-only file system, or beside another user's lock file, `remove it` was the advice:
    neither possible nor the fix."""
    out = tmp_path / "out"
    newsset.build([big], out, seed=1, jobs=1)
    real = os.open

    def refuse(path: object, *a: object, **k: object) -> int:
        if str(path).endswith(".out.lock"):
            raise OSError(err, os.strerror(err), str(path))
        return real(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(newsset.OutputError, match=says) as info:
        newsset.build([big], out, seed=2, jobs=1)
    assert "remove it" not in str(info.value)
