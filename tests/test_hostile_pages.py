"""Pages built to be slow parse in time linear in their size.

A page may be up to 8 MiB (`archives.MAX_PAGE_BYTES`); a rule that compares each line with every
line before it turns such a page into hours of work, and a hostile file in a folder into a build
that never ends. Each shape here is a repeated structure that once was (or could be) quadratic.

Not a speed target (those are `nox -s bench`'s): the check is the growth of the parser's CPU time
when the page grows eightfold, which is about 8 for linear work and 64 for quadratic, on any
machine. The pages are sized so the smaller one takes tens of milliseconds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import newsset
import newsset.parse
from newsset import parse_bytes
from newsset.errors import ParseError
from tests.conftest import page

HEADER = " date 2024-01-01 A headline for a page built to be slow\n\n"
PARA = "An ordinary paragraph of body text, long enough to read as one, that ends as prose does."


def _authors(n: int) -> str:
    """Thousands of author boxes, each with its bio (co-authors were kept in a list: each new name
    was compared with all before it, and each bio paragraph too)."""
    return HEADER + PARA + "\n\n" + "\n\n".join(f"Writer Number{i}, The Week UK\n\nWriter {i} writes about "
                                                 f"things." for i in range(n))


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {  # shape -> (page of n repetitions, n for the small page)
    "author boxes": (_authors, 2000),
}


def _paywall_like(n: int) -> str:
    """Sentences that open as the paywall's first line does, but are none: each one found the page's
    paragraphs again."""
    return HEADER + PARA + "\n\n" + "To continue reading this article, readers need a pass.\n" * n


def _own_date_far(n: int) -> str:
    """Blank lines over the header, and lines that look like a second page's header in another case:
    each was checked by reading past all the blank lines again."""
    return "\n" * (9 * n) + HEADER + PARA + "\n\n" + "Date 2024-01-01 Fixtures\n" * n


def _underlined_headlines(n: int) -> str:
    """The headline saved again with a Markdown underline, over and over: each copy found the page's
    paragraphs again."""
    return HEADER + "A headline for a page built to be slow\n=====\n\n" * n + PARA


SHAPES.update({
    "sentences opening as the paywall does": (_paywall_like, 2000),
    "blank lines over the header, header-like lines under it": (_own_date_far, 3000),
    "the headline saved again, underlined": (_underlined_headlines, 2000),
})


@pytest.mark.parametrize("copies", [1, 3000])
def test_the_headline_saved_again_a_thousand_times_is_passed_over(copies: int) -> None:
    # (one call of `_after_title` for each copy ran past the interpreter's stack: RecursionError, not
    # a ParseError, and the build stopped with a traceback)
    for line in ("A headline for a page built to be slow", "A headline for a page built to be slow | The Week UK"):
        art = parse_bytes((HEADER + f"{line}\n\n" * copies + PARA).encode(), "copies.txt")
        assert (art.title, art.subtitle, art.body) == ("A headline for a page built to be slow", None, PARA)


def test_a_failure_of_the_parser_itself_sets_the_page_aside_and_the_build_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bug the fuzzers have not found yet (as the RecursionError above was): one page, not the build.
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a", "b", "c"):
        (raw / f"{name}.txt").write_text(page(title=f"Story {name}", paragraphs=(f"The text of story {name}.",)))
    real = newsset.parse._Page.parse

    def parse(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.source == "b.txt":
            raise KeyError("a rule the page broke")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(newsset.parse._Page, "parse", parse)
    with pytest.raises(ParseError) as e:
        parse_bytes((raw / "b.txt").read_bytes(), "b.txt")
    assert e.value.issue.code == "parse.internal-error" and isinstance(e.value.__cause__, KeyError)
    result = newsset.build([raw], tmp_path / "out", jobs=1)
    assert result.total_rows == 2 and result.rejected == {"parse.internal-error": 1}
    (reject,) = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert reject["source"] == "b.txt" and reject["line"] == 1
    assert "got KeyError at test_hostile_pages.py:" in reject["message"] and "bug in newsset" in reject["message"]


def test_a_failure_of_the_record_checks_sets_the_record_aside_and_the_build_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsset.check

    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    other = {**rec, "title": "The record the checks fail on"}
    other["id"] = newsset.article_id(other["date"], other["title"], other["body"])
    (tmp_path / "r.jsonl").write_text(json.dumps(rec) + "\n" + json.dumps(other) + "\n")
    real = newsset.check.check_record

    def check_record(record: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if record.get("title") == other["title"]:
            raise IndexError("a rule the record broke")
        return real(record, *args, **kwargs)

    monkeypatch.setattr(newsset.check, "check_record", check_record)
    result = newsset.build([tmp_path / "r.jsonl"], tmp_path / "out", jobs=1)
    assert result.total_rows == 1 and result.rejected == {"record.internal-error": 1}
    (reject,) = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert reject["line"] == 2 and "got IndexError at test_hostile_pages.py:" in reject["message"]
    report = newsset.validate_paths([tmp_path / "r.jsonl"])
    assert [(i.code, i.line) for i in report.issues] == [("record.internal-error", 2)]


@pytest.mark.parametrize("unit", ["Get\nthe\n", "&a;\n", "A\n&x;\n", "Sign up for The\n"])
def test_short_lines_that_open_a_block_are_not_each_a_window_of_lookups(unit: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # (audit q38c: linear, but each such line opened a window of up to 45 lines, each end of it
    # looked up in the catalogue, entities decoded: 8 MiB of `&a;` lines would take 24 minutes)
    import newsset.boilerplate as boilerplate

    calls = []
    real = boilerplate.boiler_key

    def counted(line: str) -> str | None:
        calls.append(1)
        return real(line)

    monkeypatch.setattr(boilerplate, "boiler_key", counted)
    lines = 20_000
    text = HEADER + PARA + "\n\n" + unit * (lines // unit.count("\n"))
    art = parse_bytes(text.encode(), "short.txt")
    assert art.body.startswith(PARA)
    assert len(calls) <= boilerplate.WINDOW_TESTS + lines // 2, len(calls)


def _cpu(text: str) -> float:
    raw = text.encode("utf-8")
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        try:
            parse_bytes(raw, "hostile.txt")
        except ParseError:
            pass
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_page_eight_times_larger_takes_about_eight_times_longer(shape: str) -> None:
    make, n = SHAPES[shape]
    small, large = _cpu(make(n)), _cpu(make(8 * n))
    # (linear: ~8; quadratic: ~64. The small page's time is floored at 5 ms, against a coarse clock.)
    assert large / max(small, 0.005) < 24, f"{shape}: {small:.3f} s, then {large:.3f} s for 8x the page"
