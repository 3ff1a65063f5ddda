"""The README's examples run as written: its Python API block, its loading and DuckDB snippets, and
the command lines of its Commands section, each in a fresh folder holding a copy of `examples/`.
A renamed option, attribute or path there fails here rather than on a reader's machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}


def blocks(lang: str) -> list[str]:
    """The README's fenced blocks of one language, in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)


def block_after(heading: str, lang: str) -> str:
    """The first `lang` block under a heading."""
    at = README.index(heading)
    m = re.compile(rf"^```{lang}\n(.*?)^```$", re.MULTILINE | re.DOTALL).search(README, at)
    assert m is not None, f"no ```{lang} block under {heading!r}"
    return m.group(1)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    return tmp_path


def test_python_api_block_runs_and_gives_what_its_comments_say(workdir: Path) -> None:
    import newsset

    code = block_after("## Python API", "python")
    scope: dict[str, object] = {}
    exec(compile(code, "README.md (Python API)", "exec"), scope)  # noqa: S102 (our own README)
    art, report, result, ds = scope["art"], scope["report"], scope["result"], scope["ds"]
    assert isinstance(art, newsset.Article)
    assert isinstance(scope["got"], newsset.Article) and scope["src"].rel.endswith(".txt")  # type: ignore[attr-defined]
    from newsset.schema import bundled_schema_path

    properties = json.loads(bundled_schema_path().read_text(encoding="utf-8"))["properties"]
    assert list(art.to_dict()) == list(properties)  # "exactly the schema's keys"
    assert report.valid and report.to_dict()["valid"] is True
    assert sum(result.rows.values()) == sum(len(ds[s]) for s in ds) > 0
    assert (workdir / "dist/newsset/README.md").is_file()
    check, stats = scope["check"], scope["stats"]
    assert isinstance(check, newsset.VerifyReport) and check.ok and not check.issues
    assert isinstance(stats, newsset.DatasetStats)


def test_the_packages_names_all_resolve_and_lazy_ones_are_listed() -> None:
    import importlib

    import newsset

    importlib.import_module("newsset.verify")  # (binds the module's name in the package: the function has another)
    assert set(newsset._LAZY) <= set(newsset.__all__) == set(dir(newsset))  # (not `os`, `sys`, `_LAZY`, ...)
    assert newsset.verify_dataset.__module__ == "newsset.verify"  # the function, not the module of its name
    assert newsset.dataset_stats.__module__ == "newsset.stats"


def test_validate_paths_counts_the_files_a_walk_passes_over_as_the_cli_does(tmp_path: Path) -> None:
    import newsset

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(" date 2024-01-02 A title\n\nBody text of the page.\n", encoding="utf-8")
    (raw / "notes.md").write_text("not a page\n", encoding="utf-8")
    report = newsset.validate_paths([raw], today=dt.date(2024, 6, 1))
    assert report.valid and dict(report.ignored) == {".md": 1}
    future = newsset.validate_paths([raw], today=dt.date(2024, 1, 1))  # the build date is an input
    assert [i.code for i in future.issues] == ["dataset.future-date"]


def test_loading_and_duckdb_snippets_read_the_quick_start_build(workdir: Path) -> None:
    import newsset

    result = newsset.build(["examples/raw"], "dist/newsset")
    scope: dict[str, object] = {}
    exec(compile(block_after("## What you get", "python"), "README.md (What you get)", "exec"), scope)  # noqa: S102
    ds, hg = scope["ds"], scope["hg"]
    assert {s: len(ds[s]) for s in ds} == result.rows
    assert set(hg["train"].column_names) == {"id", "document", "headline"}
    assert str(ds["train"].features["date"].dtype) == "date32" and ds["train"].features["truncated"].dtype == "bool"
    duckdb = pytest.importorskip("duckdb")
    sql = "\n".join(ln for ln in block_after("## What you get", "sql").splitlines() if not ln.startswith("--"))
    rows = duckdb.sql(sql).fetchall()
    assert sum(n for _, n in rows) == sum(result.rows.values())


# Lines of the Commands block that need what a reader brings (a cluster, a big scrape, a citation
# file): they are documentation of options the other tests exercise.
NEEDS_MORE = ("--scheduler", "big-scrape/", "cite.bib")


def test_commands_block_runs_line_by_line(workdir: Path) -> None:
    lines = [ln for ln in block_after("## Commands", "bash").splitlines() if ln.strip()]
    assert len(lines) >= 10
    # `newsset schema > my.schema.json` is listed last, but a line above uses its file.
    lines.sort(key=lambda ln: not ln.startswith("newsset schema"))
    ran = 0
    for line in lines:
        if any(s in line for s in NEEDS_MORE):
            continue
        command, _, comment = line.partition("#")
        assert command.startswith("newsset "), line
        argv = shlex.split(command)
        out_file = None
        if ">" in argv:
            at = argv.index(">")
            argv, out_file = argv[:at], argv[at + 1]
        proc = subprocess.run([sys.executable, "-m", "newsset", *argv[1:]], capture_output=True, text=True, env=ENV)
        expected = 1 if "exit 1" in comment else 0
        assert proc.returncode == expected, f"{line}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        if out_file is not None:
            Path(out_file).write_text(proc.stdout, encoding="utf-8")
            assert proc.stdout.strip(), line
        ran += 1
    assert ran >= len(lines) - len(NEEDS_MORE)
    assert json.loads((workdir / "report.json").read_text(encoding="utf-8"))["valid"] is True
    assert (workdir / "dist/newsset/README.md").is_file()


def test_quick_start_is_exactly_two_command_lines() -> None:
    quick = block_after("## Quick start", "bash").strip().splitlines()
    assert quick == ["pip install . && newsset build examples/raw --out dist/newsset",
                     "pip install nox && nox -s tests"]
    ci = [ln for ln in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    assert ci[-1] == "python3 -m nox -s tests"  # the README's test line, and CI's last word


def test_the_code_map_names_every_module() -> None:
    at = README.index("Where things are")
    table = README[at:README.index("\n\n", README.index("| step |", at))]
    modules = {p.stem for p in (ROOT / "newsset").glob("*.py")} - {"__init__", "__main__"}
    named = set(re.findall(r"`(\w+)`", table))
    assert modules <= named, sorted(modules - named)
    assert not (named - modules - {"Issue"}), sorted(named - modules)  # (no module the package lacks)


def test_no_docstring_holds_a_lone_surrogate() -> None:
    # Python 3.13 cleans docstrings' indentation at compile time, encoding them as UTF-8: a `\ud800`
    # escape in one makes the module fail to import there (it did: pipeline.py, so `newsset build`
    # on a fresh Python 3.13), though it compiles on 3.11. Every file that ships or runs in CI.
    import ast

    bad = []
    for path in sorted([*ROOT.glob("newsset/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("fuzz/*.py"),
                        *ROOT.glob("benchmarks/*.py"), ROOT / "noxfile.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                if doc is not None and re.search("[\ud800-\udfff]", doc):
                    bad.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 1)}")
    assert not bad, bad


def _other_pythons() -> list[str]:
    """Interpreters of the other Python versions the package supports found on this machine (on PATH
    or under pyenv), which run."""
    import glob

    found: dict[str, str] = {}
    root = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser()
    candidates = [shutil.which(f"python3.{m}") for m in range(11, 20)]
    candidates += sorted(glob.glob(str(root / "versions" / "3.*" / "bin" / "python3")))
    for exe in filter(None, candidates):
        try:
            out = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2] >= (3, 11), sys.version[:5])"],
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        ok, _, version = out.stdout.strip().partition(" ")
        if out.returncode == 0 and ok == "True" and version != sys.version[:5]:
            found.setdefault(version, exe)
    return sorted(found.values())


def test_every_source_file_compiles_on_the_other_supported_pythons() -> None:
    # What broke `newsset build` on a fresh Python 3.13 (see above) failed at compile time: each
    # interpreter this machine has compiles every file (no dependencies needed for that).
    pythons = _other_pythons()
    if not pythons:
        pytest.skip("no other Python 3.11+ interpreter on this machine")
    files = [str(p) for p in sorted([*ROOT.glob("newsset/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("fuzz/*.py"),
                                     *ROOT.glob("benchmarks/*.py"), ROOT / "noxfile.py"])]
    script = """import sys
bad = []
for f in sys.argv[1:]:
    try:
        compile(open(f, encoding="utf-8").read(), f, "exec")
    except Exception as e:
        bad.append(f"{f}: {type(e).__name__}: {e}")
print("\\n".join(bad))
"""
    for exe in pythons:
        out = subprocess.run([exe, "-c", script, *files], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0 and not out.stdout.strip(), f"{exe}:\n{out.stdout}{out.stderr}"
