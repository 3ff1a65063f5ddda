"""newsset: raw scraped news pages -> validated, deterministic Parquet datasets.

The Python API mirrors the CLI::

    import newsset
    article = newsset.parse_file("examples/raw/....txt")
    report = newsset.validate_paths(["examples/raw"])
    result = newsset.build(["examples/raw"], "dist/newsset")
    ds = newsset.load("dist/newsset")
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from datasets import DatasetDict

    from .check import parse_paths
    from .errors import CODES, ConfigError, Issue, NewssetError, OutputError, ParseError, SchemaFileError, WorkerError
    from .parse import parse_bytes, parse_file, parse_text
    from .pipeline import BuildResult, build
    from .records import FIELDS, Article, article_id
    from .report import Report, render, validate, validate_paths
    from .schema import Schema, load_schema
    from .sources import Source, discover
    from .stats import DatasetStats, dataset_stats
    from .verify import VerifyReport, verify_dataset

# (`verify_dataset`, not `verify`: importing the module newsset.verify binds that name to it.)
# Imported on first use: some load pyarrow and numpy (0.2 s), which `import newsset` alone, the
# CLI's --help and `parse` do not need — and the CLI picks Arrow's allocator before pyarrow loads;
# the parser's modules take 0.08 s, in which the `newsset` command could not yet take a Ctrl-C.
_LAZY = {**dict.fromkeys(["CODES", "ConfigError", "Issue", "NewssetError", "OutputError", "ParseError",
                          "SchemaFileError", "WorkerError"], "errors"),
         **dict.fromkeys(["parse_bytes", "parse_file", "parse_text"], "parse"),
         **dict.fromkeys(["FIELDS", "Article", "article_id"], "records"), "Source": "sources", "discover": "sources",
         "BuildResult": "pipeline", "build": "pipeline", "Report": "report", "render": "report",
         "validate": "report", "validate_paths": "report", "Schema": "schema", "load_schema": "schema",
         "parse_paths": "check",
         "verify_dataset": "verify", "VerifyReport": "verify", "dataset_stats": "stats", "DatasetStats": "stats"}


def __dir__() -> list[str]:
    """The public API (the lazy names too, for completion), not this module's own imports."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsset' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def _command() -> None:
    """The `newsset` command. A Ctrl-C while the CLI's modules load ends it as one does later: status
    130 and a line that says so, not a traceback."""
    try:
        from .cli import run
    except KeyboardInterrupt:
        print("newsset: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    run()


def load(path: str | os.PathLike[str], name: str | None = None, **kwargs: Any) -> DatasetDict:
    """Load a built dataset folder with `datasets` (offline; nothing is fetched: a path that is no
    folder is an error here, where `datasets` would take it for a Hub repo name and go online)."""
    from datasets import load_dataset

    from .errors import ConfigError, check_option_types

    check_option_types([("path", path, (str, os.PathLike), "a path to a dataset folder")])
    if not os.path.isdir(path):
        raise ConfigError(f"no dataset folder at {os.fspath(path)!r} (newsset.load reads a folder `newsset build` "
                          "wrote; it fetches nothing)")
    return load_dataset(os.path.abspath(path), name, **kwargs)  # ("." has no last part to name it by)


__all__ = [
    "__version__", "Article", "article_id", "build", "BuildResult", "CODES", "ConfigError", "dataset_stats",
    "DatasetStats", "discover", "FIELDS", "Issue", "load", "load_schema", "NewssetError", "OutputError",
    "parse_bytes", "parse_file", "parse_paths", "parse_text", "ParseError", "render", "Report", "Schema",
    "SchemaFileError", "Source", "validate", "validate_paths", "verify_dataset", "VerifyReport", "WorkerError",
]
