"""Finding the inputs: folders are walked, files sorted, so that every later step sees the same
order whatever the file system's listing order."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ConfigError

Kind = Literal["page", "jsonl"]
PAGE_SUFFIXES = (".txt",)
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst")


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """One input file. `rel` is relative to the input root (it becomes a record's `source`);
    `path` is how the user can find the file (root as given on the command line, joined with `rel`)."""

    rel: str
    path: str
    kind: Kind
    start: int = 0  # a byte range of a large record file: the lines that start in [start, end)
    end: int = -1  # -1: to the end of the file

    @property
    def ranged(self) -> bool:
        return self.start > 0 or self.end >= 0


def _kind(name: str) -> Kind | None:
    low = name.lower()
    if low.endswith(RECORD_SUFFIXES):
        return "jsonl"
    if low.endswith(PAGE_SUFFIXES):
        return "page"
    return None


def discover(inputs: Sequence[str | os.PathLike[str]]) -> list[Source]:
    """Every page (`.txt`) and record file (`.jsonl`) under the inputs, sorted by relative path.

    A file named directly is taken whatever its suffix (as a record file if it ends in
    `.jsonl`, else as a page). Hidden files and folders (`.git`, `.cache`) are skipped in walks.
    Symbolic links to folders are not followed, so a link loop cannot recurse forever.
    """
    found: list[Source] = []
    for given in inputs:
        root = os.fspath(given)
        if os.path.isdir(root):
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                # os.walk joins names onto `root`, so the relative part is a plain suffix (cheaper
                # than os.path.relpath on every file of a large corpus).
                sub = os.path.relpath(folder, root)
                prefix = "" if sub == "." else Path(sub).as_posix() + "/"
                for name in files:
                    kind = _kind(name)
                    if kind is None or name.startswith("."):
                        continue
                    found.append(Source(prefix + name, os.path.join(folder, name), kind))
        elif os.path.lexists(root):
            found.append(Source(Path(root).name, root, _kind(root) or "page"))
        else:
            raise ConfigError(f"input not found: {root}")
    if not found:
        given = ", ".join(os.fspath(i) for i in inputs)
        raise ConfigError(f"no pages (.txt) or record files (.jsonl, .jsonl.gz, .jsonl.zst) found in {given}")
    found.sort()
    return found
