"""Progress on stderr for long runs: a tqdm bar over input files, only for a person watching.

The library reports progress through a plain callback (`progress(files_done, files_total)`), so it stays free of
terminal concerns; the CLI decides whether a bar is drawn: never when stderr is not a terminal
(CI logs, pipes), with `--quiet`, or with `NEWSSET_NO_PROGRESS=1`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Progress", "bar", "wanted"]

Progress = Callable[[int, int], None]  # (input files done so far, input files in all)


def wanted(quiet: bool, stream: Any = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    if quiet or os.environ.get("NEWSSET_NO_PROGRESS", "").strip() not in ("", "0"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class bar:  # noqa: N801 - used like a function: `with bar(...) as progress:`
    """A context manager giving a `Progress` callback; a no-op when no bar is wanted or tqdm is missing."""

    def __init__(self, desc: str, enabled: bool) -> None:
        self.desc, self.enabled = desc, enabled
        self._bar: Any = None

    def __enter__(self) -> Progress:
        if not self.enabled:
            return _nothing
        try:
            from tqdm import tqdm
        except ImportError:  # tqdm is a dependency; a stripped install still runs
            return _nothing

        def progress(done: int, total: int) -> None:
            if self._bar is None:
                self._bar = tqdm(total=total, desc=self.desc, unit="file", unit_scale=True, leave=False,
                                 dynamic_ncols=True, file=sys.stderr, mininterval=0.2)
            self._bar.update(done - self._bar.n)

        return progress

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.close()


def _nothing(done: int, total: int) -> None:
    return None
