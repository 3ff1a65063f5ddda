"""Markdown for GitHub's job summary (`$GITHUB_STEP_SUMMARY`), and writing it without risk.

GitHub shows only 10 error annotations per step, so `validate` and `build` also append a
Markdown page to the file that variable names. The page is rendered from the result objects
(`render_markdown` in report.py for validation, `render_build_markdown` here for builds);
`append_step_summary` only writes, and a summary that cannot be written never fails a command.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import BuildResult

__all__ = ["append_step_summary", "md_cell", "md_code", "md_table", "render_build_markdown"]

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
MAX_CELL_CHARS = 500  # one issue never blows the 1 MiB GitHub allows per step summary

# ASCII punctuation that means something inside a table cell (`$` starts math on GitHub);
# CommonMark lets any ASCII punctuation be backslash-escaped.
_MD_SPECIAL = "\\`*_[]<>|&~$"


def md_cell(text: object, limit: int = MAX_CELL_CHARS) -> str:
    """`text` as the literal content of one GFM table cell: Markdown and HTML characters escaped
    (`|` would end the cell), newlines as <br> (a raw newline would end the row), capped at `limit`."""
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    s = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)
    if "://" in s or "ww." in s or "WW." in s:  # GitHub links bare URLs: a value's `https://...` stays text
        s = _AUTOLINK.sub(lambda m: m.group().replace(":", "\\:").replace(".", "\\."), s)
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


_AUTOLINK = re.compile(r"://|(?i:\bwww\.)")  # (GFM's extended autolinks: `scheme://` and `www.`)


def md_code(text: object, limit: int = MAX_CELL_CHARS, in_table: bool = True) -> str:
    """`text` as inline code (paths, codes, JSON paths read best verbatim). In a table cell only
    `|` needs escaping; text a code span cannot hold (backticks, newlines) falls back to `md_cell`."""
    s = str(text)
    if "`" in s or "\n" in s or "\r" in s or len(s) > limit or ("|" in s and not in_table):
        return md_cell(s, limit)
    return "`" + (s.replace("|", "\\|") if in_table else s) + "`"


def md_table(header: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> list[str]:
    """A GFM table; cells are taken as Markdown already (escape them with `md_cell`). Columns in
    `right` are right-aligned (counts)."""
    align = ["---:" if i in right else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def render_build_markdown(result: BuildResult) -> str:
    """What `newsset build` did, as Markdown: rows per split (and per task config), rejects by
    code, and where the output and the reject list are."""
    out = str(result.out)
    lines = [f"## newsset build: {'written' if result.written else 'nothing written'}", ""]
    if result.written:
        lines.append(f"Built {md_code(out, in_table=False)} from {result.inputs} input(s) in {result.files} file(s): "
                     f"**{result.total_rows}** row(s), **{result.total_rejected}** input(s) rejected.")
    else:
        why = ("the inputs hold no page or record (only blank lines)" if not result.inputs else
               f"{result.total_rejected} of {result.inputs} input(s) rejected: no input passed the checks, and a "
               "dataset of no rows cannot be loaded" if result.empty else
               f"{result.total_rejected} of {result.inputs} input(s) rejected and `--on-invalid fail` is set")
        lines.append(f"{why}, so nothing was written to {md_code(out, in_table=False)}. Run `newsset validate` on "
                     "the sources for the located errors.")
    lines.append("")
    if result.written:
        splits = sorted({s for counts in result.configs.values() for s in counts} | set(result.rows),
                        key=_split_order)
        configs = result.configs or {"default": result.rows}
        if splits:
            rows = [[md_code(name), *(counts.get(s, 0) for s in splits), sum(counts.values())]
                    for name, counts in configs.items()]
            lines += md_table(["config", *splits, "total"], rows, right=range(1, len(splits) + 2))
        else:
            lines.append("No rows were written: every input was rejected.")
        lines.append("")
        leak = result.leakage
        if leak.mode != "off":
            lines += [f"Leakage guard: {leak.clusters} near-duplicate cluster(s), "
                      f"{leak.dropped + leak.split_leaks_dropped} dropped, {leak.co_located} kept together, "
                      f"{leak.cross_split} across splits.", ""]
        if result.cached_inputs:
            rest = ", the rest parsed" if result.cached_inputs < result.inputs else ""
            lines += [f"`--cache`: {result.cached_inputs} of {result.inputs} input(s) reused ({result.cached_chunks} "
                      f"of {result.chunks} chunk(s) whole){rest}.", ""]
    if result.rejected:
        lines += md_table(["reject code", "inputs"],
                          ([f"`{code}`", n] for code, n in sorted(result.rejected.items())), right=(1,))
        lines.append("")
        if result.written:
            lines.append(f"Every rejected input is listed with its file, line and message in "
                         f"{md_code(os.path.join(out, 'rejects.jsonl'), in_table=False)}. "
                         "Run `newsset explain CODE` for what a code means and how to fix the input.")
        else:
            lines.append("Run `newsset explain CODE` for what a code means and how to fix the input.")
        lines.append("")
    return "\n".join(lines)


def _split_order(name: str) -> tuple[int, str]:
    """train, validation, test first, in that order; any other split after them by name."""
    known = ("train", "validation", "test")
    return (known.index(name), "") if name in known else (len(known), name)


def append_step_summary(markdown: str, command: str) -> bool:
    """Append `markdown` to the file `$GITHUB_STEP_SUMMARY` names, when it is set.

    Returns whether it was written. A summary is an extra for people reading the Actions page:
    when it cannot be written (read-only file system, a bad path) the command warns on stderr
    and carries on, with the exit status its data deserves.
    """
    path = os.environ.get(STEP_SUMMARY_ENV)
    if not path:
        return False
    try:
        # O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of blocking the command forever.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o666)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "expected a regular file, got a pipe, device or socket")
            fh.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as e:
        print(f"newsset {command}: warning: expected to append the job summary to {path} "
              f"(${STEP_SUMMARY_ENV}), but it cannot be written: {e.strerror or e}; the summary is skipped, "
              "the command's output and exit status are unaffected", file=sys.stderr)
        return False
    return True
