"""nox sessions: tests, lint, typecheck, and the data gates (validate, build) a data repo's CI runs."""

from __future__ import annotations

import nox

nox.needs_version = ">=2024.3.2"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = False

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest), including the load_dataset and mlcroissant round trips and the
    Dask build on a real LocalCluster (required here: it fails rather than skips without Dask)."""
    session.install(".[dask,plot,ftfy]", *_group("test"))
    session.install(*_group("fuzz"))
    session.run("pytest", *(session.posargs or ["tests"]),
                env={"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                     "NEWSSET_REQUIRE_DASK": "1"})
    session.run("python", "fuzz/run.py", "--seconds", "10")  # a short fuzz run; `nox -s fuzz` for a long one


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*_group("lint"))
    session.run("ruff", "check", "newsset", "tests", "noxfile.py", "fuzz")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package with mypy."""
    session.install(".", *_group("typing"))
    session.run("mypy", "newsset")


@nox.session
def validate(session: nox.Session) -> None:
    """Validate examples/raw and any paths given after `--` (exit 1 on any problem)."""
    session.install(".")
    session.run("newsset", "validate", "examples/raw", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build examples/raw into dist/newsset."""
    session.install(".")
    session.run("newsset", "build", "examples/raw", "--out", "dist/newsset", *session.posargs)


@nox.session
def verify(session: nox.Session) -> None:
    """Verify a built dataset folder (default dist/newsset; another after `--`)."""
    session.install(".")
    session.run("newsset", "verify", *(session.posargs or ["dist/newsset"]))


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time newsset build against the reference pipelines on a synthetic corpus (writes benchmarks/results.md)."""
    session.install(".", "datasets")
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Fuzz the parser and the record checks with atheris (default 60 s a target; `-- --seconds 600`)."""
    session.install(".", *_group("fuzz"))
    session.run("python", "fuzz/run.py", *(session.posargs or ["--seconds", "60"]))
