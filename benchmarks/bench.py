#!/usr/bin/env python3
"""newsset's benchmark: whole processes timed side by side on a seeded synthetic corpus.

Each method (newsset build, and the reference pipelines in ../shared/bench when present) runs as
a fresh process writing into a fresh temp folder; methods are interleaved round by round, and the
report gives the median wall time, throughput and peak RSS of each, then the ratios the project's
performance targets are set in, with PASS/FAIL. Always exits 0: it is a report. See README.md.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq

import newsset
from newsset import synth

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
DUP_RATE = BAD_RATE = 0.01
PY = sys.executable
NEWSSET = [PY, "-m", "newsset"]
OUT = "{out}"  # placeholder in a method's argv for its fresh output path
MIB, MB = 1024 * 1024, 1e6
ENV = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
# Each method is started by this small launcher (`python -S -c`, ~9 MiB), not by the benchmark itself: on Linux a
# child's ru_maxrss starts at the high-water mark of the memory it was forked or vforked from, so a child of this
# process would report at least this process's own peak. The launcher times the child and reports its os.wait4.
# ru_maxrss is one process's: newsset's worker processes (children of its fork server) are not in it. So a thread
# of the launcher also sums the PSS (each shared page split among the processes that map it, so libraries that
# forked workers share count once) of the whole process tree every 0.2 s, from /proc (Linux; 0 elsewhere): the
# peak of that sum is the memory the method needs. (A scan of /proc costs ~1 ms: ~0.5% of one core.)
LAUNCHER = """import os, sys, threading, time
def tree(root):
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/' + d + '/stat', 'rb') as f:
                    s = f.read()
            except OSError:
                continue
            kids.setdefault(int(s[s.rindex(b')') + 2:].split()[1]), []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out
def pss(p):
    try:
        with open('/proc/%d/smaps_rollup' % p, 'rb') as f:
            for line in f:
                if line.startswith(b'Pss:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
peak = [0]
done = threading.Event()
def sample(pid):
    while not done.wait(0.2):
        try:
            peak[0] = max(peak[0], sum(map(pss, tree(pid))))
        except OSError:
            return
t0 = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull,
                     os.O_WRONLY, 0)])
if os.path.isdir('/proc/self'):
    threading.Thread(target=sample, args=(pid,), daemon=True).start()
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
done.set()
print(wall, os.waitstatus_to_exitcode(status), usage.ru_maxrss, peak[0])
"""


@dataclass
class Corpus:
    path: Path
    items: int  # pages (raw folder) or records (JSONL file)
    nbytes: int


@dataclass
class Method:
    name: str
    argv: list[str]
    corpus: Corpus
    rounds: int
    out_name: str = "out"
    role: str = ""  # "small" / "big": the memory-scaling runs
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # MiB: the main process's peak RSS
    tree: list[float] = field(default_factory=list)  # MiB: the peak PSS summed over the process tree (0: unknown)
    rows: int | None = None
    error: str | None = None
    setup: Callable[[], None] | None = None  # untimed, before each round (e.g. a fresh copy of a warm cache)

    @property
    def ok(self) -> bool:
        return bool(self.times) and self.error is None

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# --- corpus --------------------------------------------------------------------------------------

def _measure(path: Path) -> Corpus:
    """Count and read every page once (warming the page cache, so no method pays for a cold read)."""
    pages, nbytes = 0, 0
    for p in path.rglob("*.txt"):
        pages, nbytes = pages + 1, nbytes + len(p.read_bytes())
    return Corpus(path, pages, nbytes)


def ensure_corpus(cache: Path, n: int, seed: int) -> Corpus:
    """The synthetic corpus `cache/corpus-{n}-seed{seed}`, written unless its stamp file matches."""
    folder = cache / f"corpus-{n}-seed{seed}"
    stamp = {"n": n, "seed": seed, "dup_rate": DUP_RATE, "bad_rate": BAD_RATE,
             "synth_sha256": hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()}
    stamp_file = folder / ".stamp.json"
    if not (stamp_file.is_file() and json.loads(stamp_file.read_text()).get("params") == stamp):
        tmp = cache / f".tmp-{folder.name}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        print(f"writing a {n:,}-page corpus (seed {seed}) to {folder} ...", flush=True)
        counts = synth.write_corpus(tmp, n, seed, DUP_RATE, BAD_RATE)
        (tmp / ".stamp.json").write_text(json.dumps({"params": stamp, "counts": counts}))
        tmp.rename(folder)
    return _measure(folder)


def ensure_jsonl(corpus: Path, cache: Path, by: str) -> Corpus:
    """JSONL records of a raw corpus, by the reference `raw_to_jsonl.py` or `newsset parse` (untimed)."""
    out = cache / f"{corpus.name}.{by}.jsonl"
    stamp = corpus / ".stamp.json"
    if not (out.is_file() and stamp.is_file() and out.stat().st_mtime >= stamp.stat().st_mtime):
        print(f"writing {out} ({by}) ...", flush=True)
        tmp = out.with_name(out.name + ".tmp")
        if by == "reference":
            subprocess.run([PY, str(SHARED / "raw_to_jsonl.py"), str(corpus), str(tmp)], check=True, env=ENV)
        else:  # exit 1 only says some pages were refused (they are left out)
            with open(tmp, "wb") as fh:
                rc = subprocess.run([*NEWSSET, "parse", str(corpus), "--format", "jsonl"], stdout=fh, cwd=cache,
                                    stderr=subprocess.DEVNULL, env=ENV).returncode
            if rc not in (0, 1):
                raise SystemExit(f"newsset parse failed with exit status {rc}")
        tmp.replace(out)
    with open(out, "rb") as fh:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return Corpus(out, lines, out.stat().st_size)


# --- running -------------------------------------------------------------------------------------

def count_rows(out: Path) -> int:
    """Rows of the main output: the one Parquet file, or the Parquet files under data/."""
    files = [out] if out.is_file() else sorted((out / "data").glob("*.parquet"))
    return sum(pq.read_metadata(f).num_rows for f in files)  # a build that kept nothing has no data/: 0


def run_once(m: Method) -> None:
    """Run the method once in a fresh temp folder (its cwd); record wall time and peak RSS."""
    if m.setup is not None:
        m.setup()
    with tempfile.TemporaryDirectory(prefix="newsset-bench-") as tmp:
        out = Path(tmp) / m.out_name
        argv = [str(out) if a == OUT else a for a in m.argv]
        with open(Path(tmp) / "stderr.txt", "w+b") as err:
            proc = subprocess.run([PY, "-S", "-c", LAUNCHER, *argv], cwd=tmp, env=ENV, stdout=subprocess.PIPE,
                                  stderr=err, text=True)
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        try:
            wall, rc, maxrss, tree = (float(x) for x in proc.stdout.split())
        except ValueError:
            wall, rc, maxrss, tree = 0.0, proc.returncode or -1, 0.0, 0.0
        if rc != 0 or not out.exists():
            m.error = f"exit status {rc:.0f}: {tail[0] if tail else 'no output'}"
            return
        m.times.append(wall)
        m.rss.append(maxrss * 1024 / MIB)  # ru_maxrss is in KiB on Linux
        m.tree.append(tree * 1024 / MIB)  # (as smaps_rollup's kB)
        m.rows = count_rows(out)


def run_all(methods: list[Method]) -> None:
    """Round-robin: every round runs each method still due once, the starting method rotating."""
    for r in range(max(m.rounds for m in methods)):
        due = [m for m in methods if r < m.rounds and m.error is None]
        for m in due[r % len(due):] + due[:r % len(due)] if due else []:
            run_once(m)
            done = (f"{m.times[-1]:8.2f} s {m.tree[-1]:7.0f} MiB (all processes) {m.rss[-1]:7.0f} MiB (main)"
                    if m.error is None else f"FAILED ({m.error})")
            print(f"round {r + 1}: {m.name:<48} {done}", flush=True)


# --- report --------------------------------------------------------------------------------------

def machine(load: str) -> list[tuple[str, str]]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor() or "?")
    mem = next((int(ln.split()[1]) * 1024 for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), 0)
    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "newsset"]).returncode == 1
    return [("nproc", str(os.cpu_count())), ("CPU", cpu), ("RAM", f"{mem / 2**30:.1f} GiB"),
            ("OS", platform.platform()), ("Python", platform.python_version()), ("pyarrow", pyarrow.__version__),
            ("newsset", f"{newsset.__version__} ({Path(newsset.__file__).parent}; repo HEAD "
                        f"{git.stdout.strip() or '?'}{' + uncommitted changes in newsset/' if dirty else ''})"),
            ("load average (1/5/15 min) at start", load), ("load average at end", _load())]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def method_table(methods: list[Method]) -> list[str]:
    lines = ["| method | input | rounds | median s | min–max s | pages/s (JSONL: records/s) | MB/s "
             "| peak memory MiB, all processes (median / max) | peak RSS MiB, main process | rows out |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for m in methods:
        src = f"{m.corpus.path.name} ({m.corpus.items:,}, {m.corpus.nbytes / MB:.1f} MB)"
        if not m.ok:
            lines.append(f"| {m.name} | {src} | 0 | {'FAILED: ' + m.error if m.error else 'not run'} | | | | | | |")
            continue
        t = m.median
        tree = f"{statistics.median(m.tree):,.0f} / {max(m.tree):,.0f}" if all(m.tree) else "n/a"
        lines.append(f"| {m.name} | {src} | {len(m.times)} | {t:.2f} | {min(m.times):.2f}–{max(m.times):.2f} | "
                     f"{m.corpus.items / t:,.0f} | {m.corpus.nbytes / MB / t:.1f} | {tree} | "
                     f"{statistics.median(m.rss):,.0f} | {m.rows if m.rows is not None else '?'} |")
    return lines


def memory(m: Method) -> list[float]:
    """The method's peak memory per round: of all its processes when measured, else of its main one."""
    return m.tree if m.tree and all(m.tree) else m.rss


def checks(by: dict[str, Method]) -> list[tuple[str, str, str, str]]:
    """(check, measured, target, verdict) for each ratio the project is judged on."""
    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, target: str, keys: tuple[str, ...], f: Callable[..., float], unit: str,
            passes: Callable[[float], bool], valid: Callable[..., str | None] = lambda *_: None) -> None:
        ms = [by.get(k) for k in keys]
        if not all(m is not None and m.ok for m in ms):
            rows.append((name, "–", target, "n/a (not measured)"))
            return
        x = f(*ms)
        why = valid(*ms)
        verdict = f"n/a ({why})" if why else ("PASS" if passes(x) else "**FAIL**")
        rows.append((name, unit.format(x), target, verdict))

    off, dflt = "newsset --near-dup off", "newsset default (guard on)"
    add("newsset off vs careful", "≥ 1.5x faster", (off, "careful"), lambda a, b: b.median / a.median,
        "{:.2f}x as fast", lambda x: x >= 1.5)
    add("newsset off vs naive", "≥ 10x faster", (off, "naive"), lambda a, b: b.median / a.median,
        "{:.1f}x as fast", lambda x: x >= 10)
    add("newsset off vs floor", "≤ 1.5x the floor's time", (off, "floor"), lambda a, b: a.median / b.median,
        "{:.2f}x the time", lambda x: x <= 1.5)
    add("default (guard on) vs floor", "≤ 2x the floor's time", (dflt, "floor"), lambda a, b: a.median / b.median,
        "{:.2f}x the time", lambda x: x <= 2)
    add("default (guard on) vs careful", "faster (> 1x)", (dflt, "careful"), lambda a, b: b.median / a.median,
        "{:.2f}x as fast", lambda x: x > 1)
    for tag in ("reference", "newsset"):
        add(f"newsset jsonl MB/s vs jsonl floor ({tag} JSONL)", "≥ 0.5x", (f"newsset jsonl --near-dup off ({tag} "
            "JSONL)", f"jsonl floor ({tag} JSONL)"), lambda a, b: b.median / a.median, "{:.2f}x the floor's MB/s",
            lambda x: x >= 0.5, lambda a, b: None if (a.rows or 0) >= 0.9 * a.corpus.items else
            f"newsset kept {a.rows or 0:,} of {a.corpus.items:,} records: the input is not valid for it")
    for label in ("", " scattered"):
        add(f"--cache rebuild after +1% pages{label} vs full build", "a small fraction (≤ 0.5x)",
            (f"newsset --cache rebuild, +1% new pages{label}", off), lambda a, b: a.median / b.median,
            "{:.2f}x the time", lambda x: x <= 0.5)
    small = next((k for k, m in by.items() if m.role == "small"), None)
    if small:
        add(f"peak memory {by[off].corpus.items:,} / {by[small].corpus.items:,} pages", "≤ 1.3x", (off, small),
            lambda a, b: statistics.median(memory(a)) / statistics.median(memory(b)), "{:.2f}x", lambda x: x <= 1.3)
    big = next((k for k, m in by.items() if m.role == "big"), None)
    if big:
        add(f"peak memory at {by[big].corpus.items:,} pages", "< 1 GiB", (big,), lambda a: max(memory(a)),
            "{:,.0f} MiB", lambda x: x < 1024)
    return rows


def report(args: argparse.Namespace, corpus: Corpus, methods: list[Method], notes: list[str],
           rows: list[tuple[str, str, str, str]], secs: float, load: str) -> str:
    out = [f"# newsset benchmark — {dt.date.today().isoformat()}", "",
           "`" + " ".join(["python benchmarks/bench.py", *sys.argv[1:]]) + "`", "",
           "## Machine", "", *(f"- {k}: {v}" for k, v in machine(load)), "",
           "## Corpus", "", f"{corpus.path} : {corpus.items:,} pages, {corpus.nbytes / MB:.1f} MB "
           f"({corpus.nbytes / max(corpus.items, 1) / 1024:.1f} KiB a page; {DUP_RATE:.0%} exact duplicates, "
           f"{BAD_RATE:.0%} bad pages when synthetic)", "",
           f"## Methods ({args.rounds} interleaved rounds, naive/careful {args.naive_rounds}; total {secs:.0f} s)",
           "", "Wall time of the whole process (start-up included); MB/s = input bytes / s; peak memory = the "
           "peak of the PSS summed over the method's whole process tree (newsset's workers included; sampled "
           "every 0.2 s from /proc), which the memory checks use; peak RSS = the main process's ru_maxrss "
           "(os.wait4 in a small launcher), which leaves the workers out.", "", *method_table(methods), "",
           "## Targets", "", "| check | measured | target | verdict |", "|---|---:|---|---|",
           *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows), ""]
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(out)


# --- main ----------------------------------------------------------------------------------------

def build_methods(args: argparse.Namespace, cache: Path, corpus: Corpus, notes: list[str]) -> list[Method]:
    r, nr = args.rounds, args.naive_rounds
    src = str(corpus.path)
    ms = [Method("newsset --near-dup off", [*NEWSSET, "build", src, "--out", OUT, "--near-dup", "off", "-q"],
                 corpus, r),
          Method("newsset default (guard on)", [*NEWSSET, "build", src, "--out", OUT, "-q"], corpus, r)]
    has_ref = SHARED.is_dir()
    has_hf = has_ref and subprocess.run([PY, "-c", "import datasets, jsonschema"], env=ENV,
                                        capture_output=True).returncode == 0
    if not has_ref:
        notes.append(f"{SHARED} not found: the reference rows (careful, naive, floor, jsonl floor) are skipped.")
    elif not has_hf:
        notes.append("`datasets`/`jsonschema` not importable: careful, naive and the reference JSONL are skipped "
                     "(`nox -s bench` installs them).")
    if has_hf:
        ref = str(SHARED / "naive_raw_pipeline.py")
        ms += [Method("careful", [PY, ref, src, OUT, "--careful"], corpus, nr),
               Method("naive", [PY, ref, src, OUT], corpus, nr)]
    if has_ref:
        ms.append(Method("floor", [PY, str(SHARED / "floor.py"), src, OUT], corpus, r, "out.parquet"))
    for tag in ("reference", "newsset") if has_hf else ("newsset",):
        jl = ensure_jsonl(corpus.path, cache, tag)
        if has_ref:
            ms.append(Method(f"jsonl floor ({tag} JSONL)", [PY, str(SHARED / "floor_jsonl.py"), str(jl.path), OUT],
                             jl, r, "out.parquet"))
        ms.append(Method(f"newsset jsonl --near-dup off ({tag} JSONL)",
                         [*NEWSSET, "build", str(jl.path), "--out", OUT, "--near-dup", "off", "-q"], jl, r))
    ms += incremental_methods(args, cache, corpus)
    small_n = min(2000, corpus.items // 10)
    if args.corpus is None and small_n > 0:
        small = ensure_corpus(cache, small_n, args.seed)
        ms.append(Method(f"newsset --near-dup off ({small_n:,} pages)", [*NEWSSET, "build", str(small.path),
                         "--out", OUT, "--near-dup", "off", "-q"], small, r, role="small"))
    return ms


def incremental_methods(args: argparse.Namespace, cache: Path, corpus: Corpus) -> list[Method]:
    """Rebuilds with --cache after adding 1% new pages, each round from a copy of a cache warmed by one
    untimed build of the corpus alone (hard links: cache files are only ever replaced, never changed in
    place). The new pages come once in a folder of their own (a new day's scrape: "new/…" sorts last)
    and once scattered through the name range (new files in the existing folders: a second input whose
    relative names, `YYYY/MM/NNNNNNa.txt`, sort between the corpus's)."""
    n_new = max(1, corpus.items // 100)
    extra_root = cache / f"new-{n_new}-seed{args.seed + 1}"
    if not (extra_root / ".stamp").is_file():
        shutil.rmtree(extra_root, ignore_errors=True)
        synth.write_corpus(extra_root / "new", n_new, args.seed + 1, DUP_RATE, BAD_RATE)
        (extra_root / ".stamp").write_text("ok\n")
    scattered_root = cache / f"scattered-{n_new}-seed{args.seed + 1}"
    if not (scattered_root / ".stamp").is_file():
        shutil.rmtree(scattered_root, ignore_errors=True)
        rng = random.Random(args.seed + 1)
        olds = rng.sample(sorted(p.relative_to(corpus.path) for p in corpus.path.rglob("*.txt")), n_new)
        for page, old in zip(sorted((extra_root / "new").rglob("*.txt")), olds):
            target = scattered_root / old.parent / f"{old.stem}a.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
        (scattered_root / ".stamp").write_text("ok\n")
    warm = cache / f"cache-{corpus.path.name}"
    from newsset.cache import code_digest

    stamp = warm / ".stamp"
    if not (stamp.is_file() and stamp.read_text() == code_digest()):
        shutil.rmtree(warm, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="newsset-bench-") as tmp:
            subprocess.run([*NEWSSET, "build", str(corpus.path), "--out", f"{tmp}/out", "--near-dup", "off", "-q",
                            "--cache", str(warm)], check=True, env=ENV)
        stamp.write_text(code_digest())
    live = cache / "cache-live"

    def fresh_copy() -> None:
        shutil.rmtree(live, ignore_errors=True)
        shutil.copytree(warm, live, copy_function=os.link)

    out = []
    for label, root in (("", extra_root), (" scattered", scattered_root)):
        extra = _measure(root)
        out.append(Method(f"newsset --cache rebuild, +1% new pages{label}", [*NEWSSET, "build", str(corpus.path),
                          str(extra.path), "--out", OUT, "--near-dup", "off", "--cache", str(live), "-q"],
                          Corpus(corpus.path, corpus.items + extra.items, corpus.nbytes + extra.nbytes), args.rounds,
                          setup=fresh_copy))
    return out


def _compile_newsset() -> None:
    """Byte-compile newsset as `pip install` does. Run from a source checkout (an editable install)
    with PYTHONDONTWRITEBYTECODE set, every newsset process (and its fork server) would otherwise
    compile its ~25 modules again, about 0.1 s of CPU each, which no installed copy pays."""
    compileall.compile_dir(Path(newsset.__file__).parent, quiet=1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20_000, help="synthetic corpus size (default 20,000)")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of each method (default 5)")
    ap.add_argument("--naive-rounds", type=int, default=1, help="rounds of naive and careful (default 1)")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md", help="report file")
    ap.add_argument("--corpus", type=Path, help="use this raw-page folder instead of a synthetic corpus")
    ap.add_argument("--cache", type=Path, default=REPO / ".bench", help="corpus cache folder (default .bench/)")
    ap.add_argument("--big", type=int, default=0, metavar="N",
                    help="also one round of newsset --near-dup off on an N-page corpus (peak RSS check)")
    args = ap.parse_args()
    if args.rounds < 1 or args.naive_rounds < 0 or args.pages < 1:
        ap.error("--rounds and --pages must be >= 1, --naive-rounds >= 0")
    cache = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / ".gitignore").exists():  # a cache, never content: keep `git add -A` away (as .pytest_cache does)
        (cache / ".gitignore").write_text("# created by benchmarks/bench.py\n*\n")
    notes: list[str] = []
    _compile_newsset()
    corpus = _measure(args.corpus.resolve()) if args.corpus else ensure_corpus(cache, args.pages, args.seed)
    methods = build_methods(args, cache, corpus, notes)
    big = None
    if args.big:
        bc = ensure_corpus(cache, args.big, args.seed)
        big = Method(f"newsset --near-dup off (big, {args.big:,} pages)", [*NEWSSET, "build", str(bc.path), "--out",
                     OUT, "--near-dup", "off", "-q"], bc, 1, role="big")
    from newsset.cache import code_digest

    load, t0, code = _load(), time.perf_counter(), code_digest.__wrapped__()
    run_all(methods)
    if big:
        run_all([big])
        methods.append(big)
    if code_digest.__wrapped__() != code:  # (an edit mid-run: the rounds timed different code)
        notes.append("**newsset's code changed while this ran** (the sha256 over newsset/ that keys the --cache "
                     "differs at the end): rounds timed different code and the --cache rounds missed their "
                     "cache. Run again on an unchanged tree.")
        print("warning: newsset's code changed during the run; this report is not valid", file=sys.stderr)
    rows = checks({m.name: m for m in methods})
    text = report(args, corpus, methods, notes, rows, time.perf_counter() - t0, load)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print("\n" + text)
    fails = [r for r in rows if "FAIL" in r[3]]
    for name, measured, target, _ in fails:
        print(f"FAIL: {name}: {measured} (target {target})")
    print(f"\n{len(fails)} target(s) FAILED" if fails else "\nall measured targets PASS", f"— report: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
