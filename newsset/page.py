"""The state of one page as it is parsed, which the readers of its head (`head`) and of its end
(`ending`) share: its lines, what each line is (`keys`: boilerplate, blank, text), the runs of
text lines, and its paragraphs."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from operator import itemgetter

from .boilerplate import (
    BLANK,
    BUTTON,
    FOLLOW,
    LINE_KEYS,
    LOGO,
    LONGEST,
    TAIL_HEADS,
    boiler_key,
    continued_boilerplate,
    follow_lines,
    indented_short,
    logo_lines,
    marked_boilerplate,
    related_cards,
    share_bars,
    split_boilerplate,
    wrapped_boilerplate,
)
from .errors import Issue, ParseError
from .lines import SENTENCE_END, ends_in, line_signature

__all__ = ["FURNITURE_MAX", "RUN_END", "PageState", "text_runs"]

_START, RUN_END = itemgetter(0), itemgetter(1)

FURNITURE_MAX = 250  # characters: a publisher's copyright line is shorter, a paragraph of article text seldom


def text_runs(keys: list[str | None]) -> list[tuple[int, int]]:
    """The runs of text lines (key None), as (start, end) index pairs: the paragraphs. (One loop over
    a page's ~40 keys: 2.5x faster than flags made in C and a regex's match objects.)"""
    runs = []
    start = -1
    for i, key in enumerate(keys):
        if key is None:
            if start < 0:
                start = i
        elif start >= 0:
            runs.append((start, i))
            start = -1
    if start >= 0:
        runs.append((start, len(keys)))
    return runs


class _Signatures(dict[str, "tuple[str, str] | None"]):
    """line -> `line_signature(line)`, filled in as lines are looked up."""

    def __missing__(self, line: str) -> tuple[str, str] | None:
        sig = self[line] = line_signature(line)
        return sig


class PageState:
    """One page's lines and what is known of each (see `newsset.parse._Page`)."""

    def __init__(self, lines: list[str], source: str, check_surrogates: bool = True) -> None:
        self.lines = lines  # right-stripped: a line is blank exactly when it is ""
        self.check_surrogates = check_surrogates
        longest, exact = LONGEST, LINE_KEYS.get
        # Per line: BLANK, the catalogue key of a boilerplate line, or None for a line of text.
        self.keys = keys = [BLANK if not ln else None if len(ln) > longest and not indented_short(ln)
                            else exact(ln) or boiler_key(ln) for ln in lines]
        if "-" in lines or "\u2022" in lines:  # (a marker line: maybe related articles' cards)
            related_cards(lines, keys)
        if BUTTON in keys:  # (lines that may be share buttons)
            share_bars(lines, keys)
        if not TAIL_HEADS.isdisjoint(keys):
            continued_boilerplate(lines, keys)
        # The runs of text lines, as (start, end) index pairs: the paragraphs.
        self.runs = text_runs(keys)
        if keys.count(None) > len(self.runs) and wrapped_boilerplate(lines, keys, self.runs):  # (a run of 2+)
            self.runs = text_runs(keys)
        if len(self.runs) > 1 and split_boilerplate(lines, keys, self.runs):  # (pieces a blank line apart)
            self.runs = text_runs(keys)
        if marked_boilerplate(lines, keys, self.runs):  # (a promo line behind a list's marker)
            self.runs = text_runs(keys)
        if FOLLOW in keys:
            follow_lines(keys)
            self.runs = text_runs(keys)
        if LOGO in keys:  # (last: the box's lines under it are all known now, wrapped or split ones too)
            logo_lines(lines, keys)
            self.runs = text_runs(keys)
        self.source = source
        self.where: dict[str, int] = {}
        self.sig_line: int | None = None
        self.lead: list[tuple[int, int]] = []  # body paragraphs above the byline (a kicker under the image)
        self.alt_lines = 1  # lines of the image's alt in its block (two when the scraper wrapped it)
        self._foot: tuple[int, int] | None = None  # (footer start, line the scan stopped at), see footer_start
        # `line_signature(line)`, worked out once a page for each line: it is pure, and the footer, signature
        # and author-box tests look at the same lines several times. (A dict's own lookup: a C call.)
        self._sig: Callable[[str], tuple[str, str] | None] = _Signatures().__getitem__

    def fail(self, code: str, message: str, index: int, expected: str | None = None,
             got: str | None = None) -> ParseError:
        return ParseError(Issue(code, message, self.source, index + 1, expected=expected, got=got,
                                hint=self._other_breaks() or ""))

    def _other_breaks(self) -> str | None:
        """Why a page of a line or two may have lost its layout: its lines end with a character
        that is no line end here (U+2028, U+2029, NEL: white space inside a paragraph, as newsset
        reads lines), so the whole page reads as its header."""
        if sum(map(bool, self.lines)) > 2:
            return None
        seps = [(c, name) for c, name in (("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH "
                "SEPARATOR"), ("\x85", "U+0085 NEXT LINE")) if any(ln.count(c) >= 2 for ln in self.lines)]
        if not seps:
            return None
        return (f"the page's lines end with {' and '.join(n for _, n in seps)}, which newsset reads as white space "
                "inside a paragraph, not as a line end: convert them to newlines (\\n)")

    def _wrap_width(self, first: int) -> int | None:
        """The width the scraper wrapped the page's lines at (its longest line inside a paragraph), when
        it did: three lines or more from `first` on that break mid-sentence (the next line, glued
        under it, opens in lower case). None for a page whose paragraphs are lines of their own."""
        lines, keys = self.lines, self.keys
        broken, width = 0, 0
        for i in range(first, len(lines) - 1):
            if keys[i] is None and keys[i + 1] is None and lines[i]:
                width = max(width, len(lines[i]))
                if lines[i + 1].lstrip()[:1].islower() and not ends_in(lines[i], SENTENCE_END):
                    broken += 1
        return width if broken >= 3 else None

    def paragraphs(self, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) index pairs of the runs of non-blank, non-boilerplate lines in [start, end).

        The page's runs clipped to the range: the same runs a scan of just that range finds.
        """
        if start >= end:
            return []
        lo = bisect_right(self.runs, start, key=RUN_END)  # the first run that ends after start
        hi = bisect_left(self.runs, end, lo, key=_START)  # the runs from lo that start before end
        out = self.runs[lo:hi]
        if out:
            if out[0][0] < start:
                out[0] = (start, out[0][1])
            if out[-1][1] > end:
                out[-1] = (out[-1][0], end)
        return out
