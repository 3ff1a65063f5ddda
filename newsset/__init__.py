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
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .errors import CODES, ConfigError, Issue, NewssetError, OutputError, ParseError, SchemaFileError, WorkerError  # noqa: E402
from .parse import parse_bytes, parse_file, parse_text  # noqa: E402
from .records import FIELDS, Article, article_id  # noqa: E402
from .sources import Source, as_paths, discover  # noqa: E402

if TYPE_CHECKING:
    from datasets import DatasetDict

    from .pipeline import BuildResult, build
    from .report import Report, render, validate
    from .schema import Schema, load_schema

# Imported on first use: they load pyarrow and numpy (0.2 s), which `import newsset` alone, the
# CLI's --help and `parse` do not need — and the CLI picks Arrow's allocator before pyarrow loads.
_LAZY = {"BuildResult": "pipeline", "build": "pipeline", "Report": "report", "render": "report",
         "validate": "report", "Schema": "schema", "load_schema": "schema"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsset' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def validate_paths(paths: Iterable[str | os.PathLike[str]], schema: str | os.PathLike[str] | None = None,
                   max_issues: int | None = None) -> Report:
    """Validate files and folders of pages and record files; see `newsset validate`."""
    from .report import validate
    from .schema import load_schema

    return validate(discover(as_paths(paths)), load_schema(schema), max_issues=max_issues)


def load(path: str | os.PathLike[str], name: str | None = None, **kwargs: Any) -> DatasetDict:
    """Load a built dataset folder with `datasets` (offline; nothing is fetched: a path that is no
    folder is an error here, where `datasets` would take it for a Hub repo name and go online)."""
    from datasets import load_dataset

    if not os.path.isdir(path):
        raise ConfigError(f"no dataset folder at {os.fspath(path)!r} (newsset.load reads a folder `newsset build` "
                          "wrote; it fetches nothing)")
    return load_dataset(os.path.abspath(path), name, **kwargs)  # ("." has no last part to name it by)


__all__ = [
    "Article", "BuildResult", "CODES", "ConfigError", "FIELDS", "Issue", "NewssetError", "OutputError", "WorkerError",
    "ParseError", "Report", "Schema", "SchemaFileError", "Source", "__version__", "article_id", "build",
    "discover", "load", "load_schema", "parse_bytes", "parse_file", "parse_text", "render", "validate",
    "validate_paths",
]
