"""Raw scraped page -> `Article`, in the layout docs/format.md describes.

The parser is a pure function of the page text: it never touches the network or the
file system except in `parse_file`, and it raises nothing but `ParseError`. It works on
whole lines: a promotional line is dropped only when the *whole line* is a known block, so
a body paragraph that mentions a newsletter stays.

Layout of a page (every part but the header and body may be absent)::

    date 2024-10-15 Title            header
                                     standfirst paragraph -> subtitle
    alt text                         image block: alt, caption, (Image credit: ...)
    caption
    (Image credit: ...)
    By [name]                        byline labels
    published [when]
    body paragraphs, promotional blocks between them
    To continue reading ... Contact us   paywall block -> truncated
    Name, Publication                signature
    bio paragraph
    Latest / You might also like / View More   footer
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import compress, islice, repeat
from operator import is_, itemgetter
from pathlib import Path

from . import text as _text
from .boilerplate import (
    _BLANK,
    _BUTTON,
    _FOOTER,
    _FOOTER_HEADS,
    _INVISIBLE,
    _INVISIBLE_CHARS,
    _LINE_KEYS,
    _LONGEST,
    _PAYWALL,
    _PAYWALL_END,
    _PAYWALL_START,
    _TAIL_HEADS,
    _ZERO_WIDTH_CHARS,
    _boiler_key,
    _continued_boilerplate,
    _indented_short,
    _share_bars,
    _split_boilerplate,
    _wrapped_boilerplate,
    is_boilerplate,
)
from .decode import _decode, _line_ends
from .errors import Issue, ParseError
from .lines import (
    _ABBREVIATED,
    _AGENCIES,
    _BARE_WHEN,
    _BY,
    _CLOSE_QUOTES,
    _HEADER,
    _ISO_DATE,
    _JOINER,
    _LABEL_OPENINGS,
    _NAME,
    _OPEN_QUOTES,
    _PROSE_END,
    _ROLE_LABEL,
    _ROLE_WORDS,
    _SECOND_HEADER,
    _SENTENCE_END,
    _SIG_DROP,
    _TERMINAL,
    _by_name_of,
    _capital,
    _credit,
    _ends,
    _is_bare_by,
    _is_date_only,
    _is_name,
    _is_when,
    _loose_credit,
    _name_words,
    _names,
    _placed_item,
    _plain_label,
    _signature,
)
from .records import Article, article_id, nfc_article_id
from .text import nfc

__all__ = ["parse_bytes", "parse_file", "parse_text"]

# ---------------------------------------------------------------- layout constants
# (what one line is, on its own: newsset.lines)

_SURROGATE = re.compile("[\ud800-\udfff]")
_RUN = re.compile(b"\x01+")
_SPAN = re.Match.span
_START, _END = itemgetter(0), itemgetter(1)
_HEAD_SCAN = 12  # text lines (boilerplate takes no slot) after the header where image and byline blocks may be
_GALLERY_SCAN = 36  # more lines, through which labels are looked for under a gallery's image blocks
_KICKER_LINES = 2  # short lines the labels may sit under, below the image credit
_HEADER_LEAD = " \t" + _ZERO_WIDTH_CHARS
_TEASER_OPENINGS = ("Related", "RELATED", "Read more", "Read next", "See also", "More:", "Read:", "Watch:", "Listen:")


# ---------------------------------------------------------------- parsing

def parse_file(path: str | Path, root: str | Path | None = None, *, fix_mojibake: bool = False) -> Article:
    """Read and parse one page; `source` is the path relative to `root` (default: its folder). A
    refusal's issue names the file as given (`path`), so it can be opened."""
    from .reading import read_page_file, unreadable_issue  # (here: it imports the archive modules)

    p = Path(path)
    source = p.relative_to(root).as_posix() if root is not None else p.name
    try:  # as a build reads a page: a FIFO or device refused without blocking, the size capped
        raw = read_page_file(str(path))
    except OSError as e:
        raise ParseError(unreadable_issue(str(path), e)) from None
    if isinstance(raw, Issue):
        raise ParseError(raw)
    try:
        return parse_bytes(raw, source, fix_mojibake=fix_mojibake)
    except ParseError as e:
        raise ParseError(replace(e.issue, path=str(path))) from None


def parse_bytes(raw: bytes, source: str, *, fix_mojibake: bool = False) -> Article:
    """Parse the raw bytes of one page (the sha256 is of these exact bytes).

    Mojibake and bidi controls give warnings in `Article.issues`; `fix_mojibake=True` repairs the
    mojibake first (see `newsset.text`).
    """
    text, suspect, plain, invisible = _decode(raw, source)  # strict UTF-8: no lone surrogates can come out
    return _parse(text, source, hashlib.sha256(raw).hexdigest(), False, fix_mojibake, suspect, plain, invisible)


def parse_text(text: str, source: str = "<text>", source_sha256: str | None = None, *,
               fix_mojibake: bool = False) -> Article:
    """Parse one page's text. Raises `ParseError` with a located issue when it cannot."""
    if source_sha256 is None:
        source_sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    text = nfc(_line_ends(text))
    surrogates = not text.isascii() and bool(_SURROGATE.search(text))
    suspect = not text.isascii() and _text.suspicious(text.encode("utf-8", "surrogatepass"))
    return _parse(text, source, source_sha256, surrogates, fix_mojibake, suspect)


def _parse(text: str, source: str, sha: str, check_surrogates: bool, fix: bool, suspect: bool,
           plain: bool = False, invisible: bool | None = None) -> Article:
    if "&" in text and ";" in text and (spaced := _space_entities(text)) is not text:
        text, plain, invisible = spaced, False, None
    found = _text.find(text) if suspect else []
    raw_lines = text.split("\n")
    fixer = None
    if found and fix and any(f.kind == "mojibake" for f in found):
        fixer = _text.fixer_name()
        for i in {i for i, _, f in _text.locate(text, found) if f.kind == "mojibake"}:
            raw_lines[i] = _text.fix_mojibake(raw_lines[i])
    lines = list(map(str.rstrip, raw_lines))
    if invisible is None:
        invisible = not text.isascii() and any(c in text for c in _INVISIBLE_CHARS)
    if invisible:
        lines = ["" if ln and ln.lstrip()[:1] in _INVISIBLE_CHARS and not ln.translate(_INVISIBLE).strip() else ln
                 for ln in lines]  # shows as blank
        lines = [_label_seen(ln) if ln and (ln.lstrip()[:1] in _ZERO_WIDTH_ENDS or ln[-1] in _ZERO_WIDTH_ENDS)
                 and len(ln) <= _LABEL_MAX else ln for ln in lines]
    page = _Page(lines, source, check_surrogates)
    # Callers give NFC text (a repaired line may not be), plain when they know it is.
    art = page.parse(sha, nfc_known=fixer is None, plain=plain and fixer is None)
    _second_header(text, source)
    if found:
        issues = _text.page_issues(text, found, page.lines, art.lines, art.to_dict(), source, fixer)
        art = replace(art, issues=tuple(issues))
    return art


_VIEW_MORE = frozenset(k for k in _FOOTER if k.startswith("view more"))
_FURNITURE_MAX = 250  # characters: a publisher's copyright line is shorter, a paragraph of article text seldom


_PRONOUNS = frozenset({"He", "She", "They", "His", "Her", "Their", "Ze", "Xe"})
# What a page saves under the author's bio that is no more of it.
_AFTER_BIO = re.compile(r"(?:Correction|Clarification|Update|Editor['\u2019]s note)\b.{0,40}:"
                        r"|Comments are (?:closed|open)|Follow (?:The Week|us)\b.{0,20}\bon\b"
                        r"|(?:We|This (?:site|website)) uses? cookies", re.IGNORECASE)


_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # (what str.splitlines() splits at)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _space_entities(text: str) -> str:
    """The text with the entities for white space a scraper left (`&nbsp;`, `&#160;`, `&ensp;`)
    decoded, before the lines are read: the page shows white space there, so a line that ends with
    one ends as a line that ends with a space does, `By&nbsp;Jane Doe` is a byline, and a line of
    `&nbsp;` alone is blank. (Line breaks written as entities stay as written: they are no line of
    the file. Other entities are decoded in each field, by `_unescaped`.) The same object when
    there are none."""
    if _SPACE_ENTITY.search(text) is None:
        return text

    def decode(m: re.Match[str]) -> str:
        out = html.unescape(m.group())
        return nfc(out) if out.isspace() and not any(c in _BREAKS for c in out) else m.group()

    return _SPACE_ENTITY.sub(decode, text)


# The entities for white space: by name, or a number in the ranges that hold Unicode's spaces.
_SPACE_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|emsp13|emsp14|numsp|puncsp|thinsp|hairsp|MediumSpace|ThinSpace"
                           r"|NonBreakingSpace|VeryThinSpace|Tab|#0*(?:9|32|160|5760|819[2-9]|820[0-2]|8239|8287|"
                           r"12288)|#[xX]0*(?:9|20|[aA]0|1680|200[0-9aA]|202[fF]|205[fF]|3000));")


def _unescaped(text: str | None) -> str | None:
    """The text with the HTML entities a scraper left decoded (`&#8217;`, `&amp;`, `&nbsp;`), NFC; an
    entity that stands for a line break or another control character stays as written."""
    if text is None or "&" not in text or ";" not in text:
        return text

    def decode(m: re.Match[str]) -> str:
        out = html.unescape(m.group())
        kept = out == m.group() or "\ufffd" in out or not all(c.isprintable() or c.isspace() and c not in _BREAKS
                                                              for c in out)
        return m.group() if kept else out

    decoded = _ENTITY.sub(decode, text)
    return nfc(decoded) if decoded != text else text


def _site_titled(line: str, title: str) -> bool:
    """The headline saved again, as written, as the page's <title> gives it (`Title | The Week UK`,
    `Title - The Week`) or as a Markdown heading (`# Title`)."""
    if line == title:
        return True
    if line[:1] == "#":  # a Markdown heading (`# Title`)
        line = line.lstrip("#").strip() if line.lstrip("#")[:1] == " " else line
        if line == title:
            return True
    head, sep, site = line.rpartition(" | " if " | " in line else " - ")
    return bool(sep) and head.rstrip() == title and site.strip().startswith("The Week")


def _one_line(name: str | None) -> str | None:
    """A name with its white space as single spaces: a non-breaking space between a name's words
    ("The&nbsp;Week UK", as templates write it) would make a second publication that looks the same
    in the card's table and in `--group-by publication`."""
    if name is None or (name.isascii() and "  " not in name and "\t" not in name):
        return name
    return " ".join(name.translate(_SIG_DROP).split()) or None  # (and without zero-width characters)


_LABEL_MAX = 120  # characters: a byline label line is short
_ZERO_WIDTH_ENDS = "\u200b\u2060\ufeff"  # (not the direction marks: those the text warnings name)


def _label_seen(line: str) -> str:
    """A label line as it shows: without the zero-width characters at its ends (`By\u200b`, a
    zero-width space the HTML left), which hid it from the label tests; any other line as written."""
    shown = line.strip().strip(_ZERO_WIDTH_ENDS).strip()
    return shown if shown.startswith(_LABEL_OPENINGS) else line


def _second_header(text: str, source: str) -> None:
    """Refuse two pages saved into one file: the record would mix two articles. (A regex that starts
    with a newline searches in C for newlines only: ~2 us a page.)"""
    m = _SECOND_HEADER.search(text)
    if m is not None and not text[:m.start()].strip():  # the page's own header, after blank lines
        m = _SECOND_HEADER.search(text, m.end())
    while m is not None and not _page_start(text, m.start("h")):
        m = _SECOND_HEADER.search(text, m.end())
    if m is not None:
        line = text.count("\n", 0, m.start("h")) + 1
        got = text[m.start("h"):].split("\n", 1)[0].strip()[:60]
        raise ParseError(Issue("parse.second-header", f"expected one article per file, got a second header {got!r} "
                               "(two pages saved into one file?)", source, line, expected="one header line",
                               got=got))


def _page_start(text: str, at: int) -> bool:
    """Whether the `date YYYY-MM-DD ...` line at `at` starts a page: a headline (no full stop at its
    end) with a blank line or the end of the text under it, not a sentence of the body ("Date
    2024-05-01 is when the rules take effect.")."""
    end = text.find("\n", at)
    if end < 0:
        return not text[at:].rstrip().endswith(".")
    after = text.find("\n", end + 1)
    below = text[end + 1:] if after < 0 else text[end + 1:after]
    return not text[at:end].rstrip().endswith(".") and not below.strip()


def _kicker(lines: list[str], below: str) -> bool:
    """The site's section labels above a standfirst (`Opinion`, `In Depth`, `Today's big question`,
    a breadcrumb `News` / `Politics`), over a paragraph that opens with a capital. (A catalogue,
    not a shape: a short first paragraph of a standfirst, "Plots are scarce", is text.)"""
    return 0 < len(lines) <= 3 and _capital(below.strip()) and all(
        " ".join(ln.replace("\u2019", "'").split()).casefold() in _SECTIONS for ln in lines)


# The site's section names, as kickers and breadcrumbs print them.
_SECTIONS = frozenset({
    "opinion", "instant opinion", "in depth", "today's big question", "the explainer", "explainer", "briefing",
    "talking points", "the week recommends", "pick of the papers", "analysis", "feature", "features", "review",
    "reviews", "comment", "news", "world news", "uk news", "us news", "politics", "business", "money", "culture",
    "arts", "sport", "science", "tech", "travel", "food", "food & drink", "property", "health", "environment",
    "the week unwrapped", "podcast", "podcasts", "quiz", "cartoons", "puzzles", "crosswords", "the papers",
    "today's newspapers", "fact check", "the week's guide"})


def _runs(keys: list[str | None]) -> list[tuple[int, int]]:
    """The runs of text lines (key None), as (start, end) index pairs: the paragraphs. (Found in C.)"""
    return list(map(_SPAN, _RUN.finditer(bytes(map(is_, keys, repeat(None))))))


class _Signatures(dict[str, "tuple[str, str] | None"]):
    """line -> `_signature(line)`, filled in as lines are looked up."""

    def __missing__(self, line: str) -> tuple[str, str] | None:
        sig = self[line] = _signature(line)
        return sig


class _Page:
    """Parsing state for one page; each method finds one part of the layout."""

    def __init__(self, lines: list[str], source: str, check_surrogates: bool = True) -> None:
        self.lines = lines  # right-stripped: a line is blank exactly when it is ""
        self.check_surrogates = check_surrogates
        longest, exact = _LONGEST, _LINE_KEYS.get
        # Per line: _BLANK, the catalogue key of a boilerplate line, or None for a line of text.
        self.keys = keys = [_BLANK if not ln else None if len(ln) > longest and not _indented_short(ln)
                            else exact(ln) or _boiler_key(ln) for ln in lines]
        if _BUTTON in keys:  # (lines that may be share buttons)
            _share_bars(lines, keys)
        if not _TAIL_HEADS.isdisjoint(keys):
            _continued_boilerplate(lines, keys)
        # The runs of text lines, as (start, end) index pairs: the paragraphs.
        self.runs = _runs(keys)
        if keys.count(None) > len(self.runs) and _wrapped_boilerplate(lines, keys, self.runs):  # (a run of 2+)
            self.runs = _runs(keys)
        if len(self.runs) > 1 and _split_boilerplate(lines, keys, self.runs):  # (pieces a blank line apart)
            self.runs = _runs(keys)
        self.source = source
        self.where: dict[str, int] = {}
        self.sig_line: int | None = None
        self.lead: list[tuple[int, int]] = []  # body paragraphs above the byline (a kicker under the image)
        self._foot: tuple[int, int] | None = None  # (footer start, line the scan stopped at), see footer_start
        # `_signature(line)`, worked out once a page for each line: it is pure, and the footer, signature
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

    def parse(self, sha: str, nfc_known: bool = False, plain: bool = False) -> Article:
        lines = self.lines
        h = 0 if lines[0] else next((i for i, ln in enumerate(lines) if ln), None)  # (the header opens most pages)
        if h is None:
            raise self.fail("input.empty", "expected an article, got only whitespace", 0)
        date, title = self.header(h)
        for i, ln in enumerate(lines) if self.check_surrogates else ():
            if _SURROGATE.search(ln):
                raise self.fail("input.encoding", "expected Unicode text, got a lone surrogate (half of a UTF-16 "
                                "pair), which UTF-8 cannot encode", i, expected="UTF-8 text", got="lone surrogate")
        end, truncated, tail = self.body_end(h + 1)
        author, publication, bio = self.signature(tail)
        if self.sig_line is not None and not truncated:
            end = min(end, self.sig_line)
        start, subtitle, alt, caption, credit, by_name = self.head(self._after_title(h + 1, end, title), end)
        body = self.body(start, end)
        if not body or not _text.has_visible_text(body):  # (only invisible characters: no text to read)
            # Located at the first line where the body could start that holds anything (boilerplate, a
            # label), else at the last line of the page: never at a blank line or past the end.
            at = next((i for i in range(start, len(lines)) if lines[i]), None)
            at = at if at is not None else max(i for i in range(len(lines)) if lines[i])
            raise self.fail("parse.missing-body", "expected at least one paragraph of article text after the "
                            "header, got none (only boilerplate or nothing)", at,
                            expected="body paragraphs", got="none")
        by_name = by_name or author
        fields = [title, subtitle, by_name, publication, bio, alt, caption, credit, body]
        if any(f and "&" in f for f in fields):  # (entities a scraper left: most pages have none)
            decoded = [_unescaped(f) for f in fields]
            if decoded != fields:
                subtitle, by_name, publication, bio, alt, caption, credit = decoded[1:8]
                title, body = decoded[0] or title, decoded[8] or body  # (never None: `or` for the type checker)
                nfc_known = plain = False  # (a decoded character may be one NFC or case folding changes)
        # Substrings of NFC text cut at white space and joined by newlines are NFC: with `nfc_known`
        # the id needs no NFC check (test_parse_equivalence compares both ways).
        utf8 = body.encode("utf-8") if nfc_known else None
        return Article(
            id=nfc_article_id(date, title, utf8) if utf8 is not None else article_id(date, title, body),
            date=date, title=title, subtitle=subtitle,
            author=_one_line(by_name), publication=_one_line(publication), author_bio=bio, image_alt=alt,
            image_caption=caption, image_credit=credit, body=body, truncated=truncated,
            source=self.source, source_sha256=sha, lines=self.where, body_utf8=utf8, body_plain=plain)

    def header(self, h: int) -> tuple[str, str]:
        line = self.lines[h]
        if line[:1] and line[0] in _HEADER_LEAD:  # a zero-width space or word joiner the scraper left before it
            line = line.lstrip(_HEADER_LEAD)
        m = _HEADER.match(line)
        token = (m.group(1) or "") if m else ""
        if not _ISO_DATE.match(token):  # (an ISO date has digits: the check below only sorts the failures)
            if not m or not any(c.isdigit() for c in token):
                shown = line.strip()[:60]
                raise self.fail("parse.missing-header", f"expected a header `date YYYY-MM-DD Title`, got {shown!r}",
                                h, expected="date YYYY-MM-DD Title", got=shown)
            raise self.fail("parse.malformed-header", f"expected a date as YYYY-MM-DD after `date`, got {token!r}",
                            h, expected="YYYY-MM-DD", got=token)
        title = (m.group(2) or "").strip()  # type: ignore[union-attr]
        if title and not _text.has_visible_text(title):
            title = ""  # only invisible characters: no title a reader can see
        try:
            _dt.date.fromisoformat(token)
        except ValueError:
            raise self.fail("parse.invalid-date", f"expected a real calendar date, got {token!r}", h,
                            expected="a valid YYYY-MM-DD date", got=token) from None
        if not title:
            raise self.fail("parse.missing-title", f"expected a title after the date {token}, got nothing", h,
                            expected="a headline after the date", got="")
        self.where.update(date=h + 1, title=h + 1)
        return token, title

    def _after_title(self, first: int, end: int, title: str) -> int:
        """Where the page goes on after the header: past the headline saved again on a line of its own
        (a scraper that took the page's heading too), which is neither standfirst nor body."""
        at = bisect_right(self.runs, first, key=_END)
        if at < len(self.runs):
            s, e = self.runs[at]
            if e - s == 1 and first <= s < end and _site_titled(self.lines[s].strip(), title):
                return e
            if s < first < end and _site_titled(self.lines[first].strip(), title):
                return first + 1  # (glued under the header line: no blank line between them)
        return first

    def body_end(self, first: int) -> tuple[int, bool, int]:
        """Where the body stops: (end index, truncated?, index where the signature search starts)."""
        lines, keys = self.lines, self.keys
        n = len(lines)
        at = first
        if _PAYWALL_START not in keys:  # (most pages: a scan in C, not an exception raised and caught)
            if _PAYWALL.isdisjoint(keys) or (i := self._headless_paywall(first)) is None:
                return self.footer_start(first), False, -1
            keys[i] = _PAYWALL_START  # the block without its first line (a scraper that lost it): still the paywall
        try:
            while True:
                i = keys.index(_PAYWALL_START, at)
                if self._paywall_at(i):
                    break
                keys[i] = None  # a sentence that opens like the paywall: text
                self.runs = _runs(keys)
                at = i + 1
        except ValueError:  # no paywall: the body runs on to the signature or the footer
            return self.footer_start(first), False, -1
        else:
            self.where["truncated"] = i + 1
            j = i + 1
            stop = keys.index(_PAYWALL_END, j, j + 15) if _PAYWALL_END in keys[j:j + 15] else None
            if stop is not None:
                j = stop + 1
            else:
                while j < n and (not lines[j] or keys[j] in _PAYWALL):
                    j += 1
            return i, True, j

    def _headless_paywall(self, first: int) -> int | None:
        """The first line of a paywall block that lost its first line: a later line of the block
        with another of them in the next three text lines (one alone, "Cancel or pause at any
        time.", may be a promo's), at or after `first`."""
        keys = self.keys
        return next((i for i in range(first, len(keys)) if keys[i] in _PAYWALL and self._more_paywall(i)), None)

    def _more_paywall(self, i: int) -> bool:
        """A later line of the paywall block (not its first) in the three text lines under line i."""
        after = islice(filter(_BLANK.__ne__, self.keys[i + 1:i + 12]), 3)
        return any(k in _PAYWALL and k != _PAYWALL_START for k in after)

    def _paywall_at(self, i: int) -> bool:
        """Line i starts the paywall: one of its usual forms, or another ending of it ("To continue
        reading this article, subscribe ...") with more of the block in the next three text lines.
        A line of prose that opens the same way ("..., readers now need a day pass.") has none."""
        # (its usual forms, also with a button's icon: the record check's view)
        return is_boilerplate(self.lines[i]) or self._more_paywall(i)

    def footer_start(self, first: int) -> int:
        """Where the footer (and a related-articles list above it) starts, looking no higher than first.

        The scan runs up from the page end and stops at a line of article text; a call whose `first`
        is at or above the line an earlier scan stopped at would repeat that scan, so reuses it.
        """
        if self._foot is not None and first <= self._foot[1]:
            return self._foot[0]
        lines, keys = self.lines, self.keys
        end = len(lines)
        # `View More` closes the template's related list: what a scraper saved under it is the site's own
        # furniture (section links, the publisher's copyright line), never article text.
        last_mark = next((k for k in range(end - 1, first - 1, -1) if keys[k] in _VIEW_MORE), None) \
            if not _VIEW_MORE.isdisjoint(keys) else None  # (a scan in C first: most pages have none)
        if last_mark is not None and max(map(len, lines[last_mark + 1:]), default=0) <= _FURNITURE_MAX:
            end = last_mark + 1  # (paragraphs of text under it: an article that goes on, read as ever)
        below = False  # footer lines found under the scan (teasers above them may stand a blank line apart)
        # (Other furniture under the footer, a cookie banner and its buttons, is passed over too.)
        while end > first and (not lines[end - 1] or keys[end - 1] is not None):
            below = below or keys[end - 1] in _FOOTER
            end -= 1
        # Related-articles lists (short teaser lines) may follow "Latest" and "You might also like";
        # a heading followed by article text (paragraphs, sentences) is not a footer. A teaser may end
        # like a sentence ("…", ".", ":"): it still counts when a heading tops its run of lines.
        stop = -1  # -1: the scan ran out at first, so its result holds for this first only
        i = end - 1
        while i >= first:
            text = lines[i].strip()
            if keys[i] in _FOOTER_HEADS:
                end = i
                below = True
            elif text and (len(text) > 150 or _ends(text, _SENTENCE_END) or self._sig(text)):
                head = self._list_head(i, first, below)
                if head is None:
                    stop = i
                    break
                end = i = head
            i -= 1
        self._foot = (end, stop)
        return end

    def _list_head(self, i: int, first: int, loose: bool = False) -> int | None:
        """The footer heading atop the run of lines that holds line i, when every line between
        them is a short teaser (no paragraph break, not the site's own signature), else None. `loose`: footer lines
        lie below, so teasers may stand a blank line apart (one to a paragraph), when none of them
        reads as a sentence: paragraphs under a `Latest` subheading in the article stay its text."""
        lines, keys = self.lines, self.keys
        crossed = prose = False

        def sentence(text: str) -> bool:
            return _ends(text, _SENTENCE_END) and not self._sig(text)

        for j in range(i, first - 1, -1):
            if keys[j] in _FOOTER_HEADS:  # (under the site's signature and bio, no heading tops article text)
                return j if not prose or self._signed_above(j, first) else None
            text = lines[j].strip()
            if loose and not text:
                prose = prose or sentence(lines[i].strip())
                crossed = True
                continue  # (teasers saved one to a paragraph, under a heading with footer lines below)
            if crossed and sentence(text):
                prose = True
            # (A headline may be `Name, Topic`-shaped: "Starmer, Reeves and the budget"; only the
            # site's own signature is never a teaser.)
            if not text or len(text) > 150 or ((sig := self._sig(text)) and sig[1].startswith("The Week")):
                return None
        return None

    def _signed_above(self, j: int, first: int) -> bool:
        """The site's own signature (`Name, The Week ...`) in the three paragraphs above line j: its
        author box, whose end is the article's."""
        paras, inside = 0, False
        for k in range(j - 1, first - 1, -1):
            text = self.lines[k].strip()
            if not text:
                inside = False
                continue
            if not inside:
                paras, inside = paras + 1, True
                if paras > 3:
                    return False
            if self.keys[k] is None and (sig := self._sig(text)) is not None and sig[1].startswith("The Week"):
                return True
        return False

    def signature(self, tail: int) -> tuple[str | None, str | None, str | None]:
        """Find `Name, Publication` and the bio after it; trims the body end when found."""
        lines = self.lines
        if tail >= 0:  # after a paywall: the signature is the site's own, or a line where one sits
            end = self.footer_start(tail)
            found = [(i, sig) for i in range(tail, end) if lines[i] and (sig := self._sig(lines[i]))]
            first = next((i for i in range(tail, end) if lines[i]), None)
            pick = next((i for i, sig in found if sig[1].startswith("The Week")), None)
            if pick is None:  # right under the paywall, or a publication named the usual way, or a bio naming it
                pick = next((i for i, sig in found if i == first or sig[1].startswith("The ") or sig[1] in _AGENCIES
                             or _names(lines[i + 1:i + 3], sig[0])), None)
            return self._sig_at(pick, end) if pick is not None else (None, None, None)
        # No paywall: the last paragraph, or the one before the last (then the last is the bio), or
        # the one before that when the bio has two paragraphs and names the author.
        end = self.footer_start(0)
        paras = self.paragraphs(0, end)
        for back in (1, 2, 3):
            if len(paras) < back + 1:
                break
            s, e = paras[-back]
            # The signature is its own paragraph, or the last line of the last body paragraph;
            # either way some body must stay above it (paras[0] holds the header).
            has_body = len(paras) > back + 1 or (e - s > 1 and len(paras) > back) or (
                back < 3 and self._own_box((s, e)))  # (with nothing above it, a page of no article: refused)
            sig = self._sig(lines[e - 1]) if has_body else None
            if sig is not None:
                # In a list of `Name, X` lines (letters, quotes, a round-up of columns, books by
                # their authors, where to watch or stay) the last item is no signature: a signature
                # with no bio must name a publication the usual way ("The ...", and on a line of its
                # own), a bio must name its author, and after other `Name, X` items only the site's
                # own signature (`Name, The Week ...`) counts.
                # Closing a paragraph (its last line), only the site's own signs: "Name, Place" or a
                # quotation's "Name, Paper" there is text.
                bio_s, bio_e = paras[-back + 1] if back > 1 else (0, 0)
                if back == 1:
                    plain = sig[1].startswith("The Week") or (e - s == 1 and (
                        sig[1].startswith("The ") or sig[1] in _AGENCIES) and not self._named_above(sig[0], paras[-2]))
                else:
                    plain = _names(lines[bio_s:bio_e], sig[0])
                boxed = back == 3 and self._own_box((s, e)) and any(lines[end:])  # (a footer under its bio)
                if (e - s > 1 and not sig[1].startswith("The Week")) or (not plain and back != 2 and not boxed):
                    break
                if back == 1 and not sig[1].startswith("The Week") and self._quotation(paras[-2]):
                    break  # under a paragraph that is all quotation, "Name, The Guardian" is its attribution
                # (Author boxes above, the site's signature alone on its paragraph, are co-authors.)
                if not (plain and sig[1].startswith("The Week")):
                    site_box = e - s == 1 and sig[1].startswith("The Week")
                    if any((o := self._sig(lines[pe - 1]) or _placed_item(lines[pe - 1]))
                           and not self._own_box((ps, pe)) and (not site_box or o[1].startswith("The Week"))
                           for ps, pe in paras[1:-back]):
                        break  # (the items of a list above it: `Name, Paper`, a letter's `Name, Town, County`)
                elif any(pe - ps > 1 and "The Week" in lines[pe - 1] and (other := self._sig(lines[pe - 1]))
                         and other[1].startswith("The Week") for ps, pe in paras[1:-back]):
                    break  # the site's signature closing other paragraphs too: a round-up's attributions
                # Another author's box above this one (a co-written article): the block starts there.
                k = len(paras) - back
                while e - s == 1 and sig[1].startswith("The Week"):  # (its bio: none, or one or two paragraphs)
                    gap = next((g for g in (1, 2, 3) if k - g >= 2 and self._own_box(paras[k - g])), 0)
                    if not gap or any(self._own_box(p) for p in paras[k - gap + 1:k]):
                        break
                    k -= gap
                return self._sig_at(paras[k][0] if k < len(paras) - back else e - 1, end)
        for back in (1, 2):  # the bio right under the signature, no blank line (and a second bio paragraph)
            if len(paras) > back + 1 and paras[-back][1] - paras[-back][0] > 1:
                s, e = paras[-back]
                others = paras[1:len(paras) - back] + paras[len(paras) - back + 1:]  # (below it too)
                if self._signs_above_bio(s, s + 1, e, others):
                    return self._sig_at(s, end)
        if paras:
            s, e = paras[-1]
            # A page without blank lines: body, signature and bio in one run (the bio of a line, or of a
            # few short ones wrapped, that names its writer).
            for below in range(1, 5):
                i = e - 1 - below
                if i <= s or (below > 1 and max(map(len, lines[i + 1:e])) > 100):
                    break
                sig = self._sig(lines[i])
                if sig is None or any(self._sig(lines[k]) for k in range(i + 1, e)):
                    continue
                if (below == 1 or _names(lines[i + 1:e], sig[0])) and self._signs_above_bio(
                        i, i + 1, e, paras[1:-1], range(s, i)):
                    return self._sig_at(i, end)
        return self._box_above_furniture(paras)

    def _box_above_furniture(self, paras: list[tuple[int, int]]) -> tuple[str | None, str | None, str | None]:
        """The site's author box with more of the page saved under its bio than the paragraphs
        `signature` looks at (readers' comments, a "Was this article helpful?" poll, a widget): the
        box alone on its paragraph, under more text than lies under its bio, the one paragraph under
        it naming the author, and no other of the site's signatures on the page (a round-up's). The
        bio is that paragraph; what lies under it is the page's, not the article's."""
        boxes = [k for k in range(2, len(paras) - 1) if paras[k][1] - paras[k][0] == 1 and self._own_box(paras[k])]
        if len(boxes) != 1:
            return None, None, None
        k = boxes[0]
        if self._size(paras[1:k]) <= self._size(paras[k + 2:]):  # (an article going on under a box)
            return None, None, None
        s, _ = paras[k]
        name = self._sig(self.lines[s])
        bio_s, bio_e = paras[k + 1]
        if name is None or not _names(self.lines[bio_s:bio_e], name[0]):
            return None, None, None
        for ps, pe in paras[1:k] + paras[k + 2:]:
            for line in {self.lines[ps], self.lines[pe - 1]}:
                if "The Week" in line and (other := self._sig(line)) and other[1].startswith("The Week"):
                    return None, None, None
        for ps, pe in paras[k + 2:]:  # (more of the bio: a paragraph that names the writer or opens "She ...")
            if not (_names(self.lines[ps:pe], name[0]) or self.lines[ps].split(None, 1)[0] in _PRONOUNS):
                break
            bio_e = pe
        return self._sig_at(s, bio_e)

    def _size(self, paras: list[tuple[int, int]]) -> int:
        """Characters in the paragraphs."""
        return sum(len(ln) for s, e in paras for ln in self.lines[s:e])

    def _signs_above_bio(self, i: int, bio_s: int, bio_e: int, others: list[tuple[int, int]],
                         run: Iterable[int] = ()) -> bool:
        """Whether line i, with its bio right under it (no blank line between), is the signature: the
        site's own (`Name, The Week ...`) or one whose bio names its author, when no other paragraph
        opens or ends with a `Name, X` line (the items of a round-up: "Name, Paper" and its summary;
        an author box of the site's, alone on its paragraph, is no item)."""
        lines = self.lines
        sig = self._sig(lines[i])
        if sig is None:
            return False
        site = sig[1].startswith("The Week")

        def item(k: int) -> bool:  # (for the site's own signature, only another of the site's is an item:
            other = self._sig(lines[k])  # a quotation's "Name, The Times" above it is no round-up)
            return other is not None and (not site or other[1].startswith("The Week"))

        listed = any(item(k) for k in run) or any(
            (item(ps) or item(pe - 1)) and not self._own_box((ps, pe)) for ps, pe in others)
        return not listed and (site or _names(lines[bio_s:bio_e], sig[0]))

    def _sig_at(self, i: int, end: int) -> tuple[str | None, str | None, str | None]:
        sig = self._sig(self.lines[i])
        assert sig is not None
        self.sig_line = i
        self.where.update(publication=i + 1)
        if not sig[0] and i > 0 and self.keys[i - 1] is None and self._split_name(self.lines[i - 1].strip()):
            # `Ann Kerr` over `, The Week UK`: the box's name and the rest of it, saved as two text nodes
            sig = self.lines[i - 1].strip(), sig[1]
            self.sig_line = i - 1
        if sig[0]:
            self.where["author"] = self.sig_line + 1
        # The bio: the paragraphs between the signature and the footer (most bios have one), up to a
        # heading over a list (`Topics` and its tags, `Editor's picks` and headlines). Another box of
        # the site's (`Name, The Week ...` on a line of its own, then its bio) names a co-author.
        names, bio = [sig[0]], list[str]()
        for s, e in self.paragraphs(i + 1, end):
            if self._own_box((s, e)):
                other = self._sig(self.lines[s])
                if other is not None and other[0] not in names:
                    names.append(other[0])
                continue
            if e - s > 1 and not _ends(self.lines[s], _TERMINAL) and all(
                    len(ln) <= 80 and not _ends(ln, _PROSE_END) for ln in self.lines[s:e]) \
                    and not _names(self.lines[s:s + 1], sig[0]):
                break  # (a role over a bio sentence is no list: its sentence ends as prose does; nor is
                #        a bio whose first line names the author, however its lines end)
            if bio and (_AFTER_BIO.match(first := self.lines[s].strip()) or _is_when(first)):
                break  # the page's, under the bio: a correction, a time label, "Comments are closed", a cookie notice
            if not bio:
                self.where["author_bio"] = s + 1
            para = "\n".join(self.lines[s:e]).strip()
            if para not in bio:  # (an author box the scraper saved twice)
                bio.append(para)
        return " and ".join(n for n in names if n) or None, sig[1], "\n\n".join(bio) or None

    @staticmethod
    def _split_name(text: str) -> bool:
        """A person's name alone on its line (the first part of an author box saved in two)."""
        return 0 < len(text) <= 60 and not _ends(text, _TERMINAL) and _NAME.match(text) is not None \
            and _name_words(text) and " " in text

    def _named_above(self, name: str, para: tuple[int, int]) -> bool:
        """The paragraph above names it too: a place or venue the text spoke of (`Harbour House, The
        Quay` under "Rooms at Harbour House ..."), not the writer's signature."""
        s, e = para
        named = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")  # (whole words: "Ann" is not in "Annual")
        return any(named.search(self.lines[k]) for k in range(s, e))

    def _quotation(self, para: tuple[int, int]) -> bool:
        """A paragraph that is one quotation: it opens with a quotation mark and ends with one."""
        s, e = para
        first, last = self.lines[s].lstrip()[:1], self.lines[e - 1].rstrip()[-1:]
        return bool(first) and first in _OPEN_QUOTES and last in _CLOSE_QUOTES

    def _own_box(self, para: tuple[int, int]) -> bool:
        """A paragraph that is the site's own signature alone (`Name, The Week UK`): an author box."""
        s, e = para
        if e - s != 1:
            return False
        sig = self._sig(self.lines[s])
        return sig is not None and sig[1].startswith("The Week")

    def head(self, first: int, end: int) -> tuple[int, str | None, str | None, str | None, str | None, str | None]:
        """Standfirst, image block and byline: returns (body start, subtitle, alt, caption, credit, by-name)."""
        lines = self.lines
        # The first text lines (boilerplate does not count: promos between the parts take no slot).
        nonblank = list(islice(compress(range(first, end), map(is_, self.keys[first:end], repeat(None))), _HEAD_SCAN))
        # (Every credit line has its label's colon, or ©, in its first 20 characters: one look at those.)
        # Other templates' forms (`Photo: ...`, `© ...`) count with an alt or caption line right above.
        credit_i = credit_text = None
        for i in nonblank:
            opening = lines[i].lstrip()[:20]
            if (":" in opening or "\u00a9" in opening) and (credit_text := _credit(lines[i])) is not None \
                    and (not _loose_credit(lines[i]) or (i > first and self.keys[i - 1] is None)):
                credit_i = i
                break
        if credit_i is not None and (not self._lead_image(first, credit_i, nonblank) or (
                _loose_credit(lines[credit_i]) and not self.paragraphs(credit_i + 1, end))):
            credit_i = None  # an image in the body, or a last line (`© Reuters 2024`): text, as written
        if credit_i is not None and credit_i + 1 < end and self.keys[credit_i + 1] is None:
            # A credit line hard-wrapped by the scraper (`(Image credit: A / B /` over `C)`): its tail takes
            # no slot, nor opens the body.
            line, tail = lines[credit_i].strip(), lines[credit_i + 1].strip()
            if line.count("(") - line.count(")") == 1 and tail.count(")") - tail.count("(") == 1 \
                    and tail.endswith(")") and len(tail) <= 80 and (joined := _credit(f"{line} {tail}")):
                credit_text = joined
                self.keys[credit_i + 1] = ""
                self.runs = _runs(self.keys)
                nonblank = list(islice(compress(range(first, end), map(is_, self.keys[first:end], repeat(None))),
                                       _HEAD_SCAN))
        by_i = self._byline(nonblank, credit_i)
        if credit_i is not None and _loose_credit(lines[credit_i]) and not (
                by_i is not None and _plain_label(lines[by_i[0]].strip())):
            # Other templates' credit forms open sentences too ("Photo: Ann Kerr, for a series ..."):
            # they make a lead image only with the byline labels under it.
            credit_i = None
            by_i = self._byline(nonblank, None)
        alt = caption = credit = by_name = subtitle = None
        start = first
        head_stop = end
        if by_i is not None:
            b0, b1, by_name = by_i
            start = b1
            head_stop = b0
            if credit_i is not None and credit_i + 1 < b0:
                self.lead = self.paragraphs(credit_i + 1, b0)  # a kicker between the image and the labels
        if credit_i is not None and (by_i is None or credit_i < by_i[0]):
            credit = credit_text or None  # (`_credit` of the line found above)
            self.where["image_credit"] = credit_i + 1
            block: list[int] = []
            k = credit_i - 1
            while k >= first and (key := self.keys[k]) != _BLANK and key not in _PAYWALL and key not in _FOOTER \
                    and len(block) < 2:  # text lines only
                if key is None:  # (an image's URL, a promo or a lightbox's `Expand` among its lines takes no slot)
                    block.insert(0, k)
                k -= 1
            # More lines glued on above, under a standfirst of its own: a caption the scraper saved
            # wrapped (a first paragraph glued on is the standfirst of a page without blank lines).
            wrapped = k >= first and self.keys[k] is None and len(block) == 2 \
                and lines[block[1]].lstrip()[:1].islower() and not _ends(lines[block[0]], _SENTENCE_END) \
                and len(self.paragraphs(first, k + 1)) > 1
            while wrapped and k >= first and self.keys[k] is None and len(block) < 4:
                block.insert(0, k)
                k -= 1
            # The credit a blank line under the caption: the block's lines may be a blank line apart
            # too (a page saved with a blank line after every line). (A line a blank line above a
            # caption glued on its credit is not taken for the alt: a standfirst split at a link
            # leaves its second piece there.)
            while not block or (len(block) < 2 and block[0] < credit_i - 1):
                if not (k > first and self.keys[k] == _BLANK) or (
                        split := self._split_image_block(first, k, block)) is block:
                    break
                block, k = split, split[0] - 1
            if len(block) >= 2:
                alt = lines[block[0]].strip()
                self.where["image_alt"] = block[0] + 1
            if block:
                caption = " ".join(lines[i].strip() for i in block[1:] or block)
                self.where["image_caption"] = block[min(1, len(block) - 1)] + 1
            head_stop = block[0] if block else credit_i
            if by_i is None:
                start = credit_i + 1
            if self.lead and [lines[k] for s, e in self.lead for k in range(s, e)] == lines[head_stop:credit_i + 1]:
                self.lead = []  # the image block saved twice: the copy is no kicker
        if by_i is None and credit_i is None:
            # No marker: the first paragraph is a standfirst only if it reads like one
            # (one line, no closing punctuation) and more text follows it.
            paras = self.paragraphs(first, end)
            if len(paras) >= 3 and _kicker(lines[paras[0][0]:paras[0][1]], lines[paras[1][0]]):
                first, paras = paras[1][0], paras[1:]  # a section's kicker over the standfirst: dropped
            if len(paras) >= 2 and paras[0][1] - paras[0][0] == 1 and not _ends(lines[paras[0][0]].strip(), _TERMINAL):
                subtitle = lines[paras[0][0]].strip()
                self.where["subtitle"] = paras[0][0] + 1
                return paras[0][1], subtitle, None, None, None, None
            return first, None, None, None, None, None
        standfirst = self.paragraphs(first, head_stop)
        if len(standfirst) == 2:  # (see `_over_standfirst`)
            (s0, e0), (s1, e1) = standfirst
            if credit_i is None and by_i is not None and self._glued_on(e1, by_i[0]):
                standfirst = standfirst[:1]  # a lead video's title glued on the labels: its player's furniture
            elif _kicker(lines[s0:e0], lines[s1]):
                standfirst = standfirst[1:]  # a section's label above the standfirst
        if standfirst and not lines[standfirst[0][0]].lstrip()[:1].isalpha() and not any(
                c.isalpha() for s, e in standfirst for k in range(s, e) for c in lines[k]):
            self.lead, standfirst = standfirst + self.lead, []  # a gallery's `1.`: no standfirst, body text
        if standfirst:
            s0 = standfirst[0][0]
            subtitle = "\n\n".join("\n".join(lines[s:e]).strip() for s, e in standfirst) or None
            self.where["subtitle"] = s0 + 1
        if by_name:
            self.where["author"] = by_i[0] + 1  # type: ignore[index]
        return start, subtitle, alt, caption, credit, by_name

    def _split_image_block(self, first: int, blank: int, block: list[int]) -> list[int]:
        """The image block's lines a blank line above its credit (and, when they too are a blank line
        apart, above each other), when a standfirst stands above them: the block, else `block` as
        found. Without a paragraph above them the lines may be the standfirst: as found. (A blank line
        between a caption glued on its credit and the line above is not looked at: under a wrapped
        headline that line is the standfirst.)"""
        paras = self.paragraphs(first, blank)
        if len(paras) < 2 or paras[-1][1] != blank:
            return block
        (s0, e0), (s, e) = paras[-2], paras[-1]
        if len(paras) == 2 and _kicker(self.lines[s0:e0], self.lines[s]):
            return block  # (a kicker over the standfirst)
        if e - s > 2 - len(block) or any(len(self.lines[i]) > _FURNITURE_MAX for i in range(s, e)):
            return block
        return [*range(s, e), *block]

    def _lead_image(self, first: int, credit_i: int, nonblank: list[int]) -> bool:
        """The lead image sits above the byline labels, below at most the standfirst (a longer
        standfirst counts when the labels follow the image): a credit under a label, or under
        two paragraphs with no label after it, is an image in the body."""
        lines = self.lines
        above = nonblank[:bisect_left(nonblank, credit_i)]
        opening = compress(above, map(str.startswith, map(str.lstrip, map(lines.__getitem__, above)),
                                      repeat(_LABEL_OPENINGS)))
        if any(self._is_label_line(lines[i].strip()) for i in opening):
            return False
        if len(self.paragraphs(first, credit_i)) <= 2:
            return True
        after = nonblank[bisect_right(nonblank, credit_i):][:1]
        return bool(after) and self._is_label_line(lines[after[0]].strip())

    def _is_label_line(self, text: str) -> bool:
        return text.startswith(_LABEL_OPENINGS) and (_is_bare_by(text) or _is_when(text)
                                                     or self._by_name(text, "", False))

    def _byline(self, nonblank: list[int], credit_i: int | None) -> tuple[int, int, str | None] | None:
        """The byline label block as (first index, index after it, author name or None)."""
        lines = self.lines
        cands = nonblank if credit_i is None else nonblank[bisect_right(nonblank, credit_i):]  # (the lines below it)
        # Labels start with "published" or "By"; right after an image block only the first line counts,
        # or the first after one or two short lines that are no sentence (a star rating, "In partnership
        # with ...", a kicker: they open the body); or, further down, a `By` line with a time label right
        # under it, under short lines only (a review's venue and dates, a recipe's times, a second image).
        if credit_i is not None:
            look: Iterable[int] = range(min(1 + _KICKER_LINES, len(cands)))
        else:
            look = compress(range(len(cands)), map(str.startswith, map(str.lstrip, map(lines.__getitem__, cands)),
                                                   repeat(_LABEL_OPENINGS)))
        for pos in look:
            i = cands[pos]
            text = lines[i].strip()
            is_label = False
            if text.startswith(_LABEL_OPENINGS):  # as every label does
                nxt = lines[cands[pos + 1]].strip() if pos + 1 < len(cands) else ""
                after_image = credit_i is not None and pos == 0
                is_label = _is_when(text) or _is_bare_by(text) or self._by_name(text, nxt, after_image)
            if not is_label:
                if credit_i is not None and (pos >= _KICKER_LINES or len(text) > 120 or _ends(text, _TERMINAL)):
                    break  # labels follow the image block directly (or lower down: see `_far_labels`)
                continue
            if credit_i is None and len(paras := self.paragraphs(cands[0], i)) > 1 and not (
                    len(paras) == 2 and self._plain_labels(cands, pos) and self._over_standfirst(paras, i)):
                return None  # no image: labels sit under the standfirst at most ("By Train" lower down is text)
            block = self._label_block(cands, pos)
            if block is not None:
                if credit_i is not None and not any(_is_when(lines[k].strip()) for k in range(block[0], block[1])):
                    # A `By` line with no time label, over the labels proper a few lines down: a book's (or
                    # a film's) details in a review's kicker ("The Salt Road" / "By Kofi Mensah" / "Granta,
                    # 352pp" / "By" / "published"), not the reviewer's byline.
                    far = self._far_labels(cands)
                    if far is not None and cands[far] >= block[1]:
                        return self._label_block(cands, far)
                return block
        far = self._far_labels(cands) if credit_i is not None else None
        if far is None and credit_i is not None and len(nonblank) == _HEAD_SCAN and cands:
            # A gallery or a page of cartoons above the labels: more image blocks than the head's scan
            # holds. Look further, through short lines and their credits only (see `_far_labels`).
            keys = self.keys
            more = compress(range(cands[-1] + 1, len(lines)), map(is_, keys[cands[-1] + 1:], repeat(None)))
            cands = cands + list(islice(more, _GALLERY_SCAN))
            far = self._far_labels(cands, len(cands))
        return self._label_block(cands, far) if far is not None else None

    def _plain_labels(self, cands: list[int], pos: int) -> bool:
        """The site's labels beyond doubt: `By` (alone, or with a name) with a time label on the line
        right under it (no subheading "By Train" has one)."""
        i, lines = cands[pos], self.lines
        text = lines[i].strip()
        if pos + 1 >= len(cands) or cands[pos + 1] != i + 1 or text[:2] not in ("By", "BY"):
            return False
        nxt = lines[i + 1].strip()
        return _is_when(nxt) and _plain_label(nxt) and (_is_bare_by(text) or self._by_name(text, nxt, False))

    def _over_standfirst(self, paras: list[tuple[int, int]], i: int) -> bool:
        """On a page with no image credit, the labels under the standfirst and one more paragraph:
        glued on the labels (a lead video's title, `Watch: ...`, left by its player), or a section's
        kicker above the standfirst (`Opinion`, `In Depth`): either is dropped. See `head`."""
        (s0, e0), (s1, e1) = paras
        return self._glued_on(e1, i) or _kicker(self.lines[s0:e0], self.lines[s1])

    def _glued_on(self, end: int, i: int) -> bool:
        """No blank line between a paragraph ending at `end` and line `i`: only furniture (a player's
        `0:00 / 2:31`) if anything."""
        return all(k not in (None, _BLANK) for k in self.keys[end:i])

    def _far_labels(self, cands: list[int], scan: int = _HEAD_SCAN) -> int | None:
        """Where, past the kicker's lines under the image, a `By` line with a time label on the line
        right under it starts the labels: every line above it short (a line of 120 characters or
        less), at most one of them ending like a sentence since the last image credit line (a
        gallery's captions are sentences). None when there is no such line."""
        lines = self.lines
        sentences = 0
        for pos in range(min(len(cands), scan) - 1):
            i = cands[pos]
            text = lines[i].strip()
            if _credit(text) is not None:
                sentences = 0  # (the line above was a caption: another image's block)
                continue
            if text[:2] in ("By", "BY") and cands[pos + 1] == i + 1:
                nxt = lines[i + 1].strip()
                # (a real time label: "published" alone or before a date, not "published in full.")
                if _is_when(nxt) and _plain_label(nxt) and (_is_bare_by(text) or (
                        self._by_name(text, nxt, False) and _name_words(_by_name_of(text[2:].lstrip(": "))))):
                    # (and a name: "By Ann Kerr's count the report was" over "published on 3 May" is prose)
                    return pos
            if len(text) > 120 or text.startswith(_TEASER_OPENINGS):
                return None  # (a related story's card, with its own byline, is no kicker)
            sentences += _ends(text, _SENTENCE_END)
            if sentences > 1:
                return None
        return None

    def _label_block(self, cands: list[int], pos: int) -> tuple[int, int, str | None] | None:
        """The label block that starts with line `cands[pos]`: its lines, and the author they name."""
        lines = self.lines
        i = cands[pos]
        j, name = pos, None
        split = joined = False  # the name came from the line under a bare `By`; an `and` line followed it
        sep = " and "  # how the next name joins the ones before: `A, B and C`
        comma = -1  # where the last name joined with a comma starts its `, ` (an `and` before the last name)
        while j < len(cands):
            t = lines[cands[j]].strip()
            m = _BY.match(t)
            bare = _is_bare_by(t)
            nxt = lines[cands[j + 1]].strip() if j + 1 < len(cands) else ""
            # A `By` line a blank line under the labels names a co-author only with its own time label
            # right under it: else it opens the body ("By Friday evening the queues had reached" wrapped,
            # a subheading "By The Numbers").
            gap = j > pos and cands[j] != cands[j - 1] + 1
            if bare or (m and (j == pos or (self._by_name(t, nxt, True) and not gap and _is_name(
                    _by_name_of(m.group(1))))  # (glued under the labels: "By Christmas, however, ..." is text)
                               or (gap and j + 1 < len(cands) and cands[j + 1] == cands[j] + 1 and _is_when(nxt)
                                   and self._by_name(t, nxt, False)))):
                more = _by_name_of(m.group(1)) if m and not bare else None
                if more:  # a second `By` line names a co-author: "By A" / "By B" -> "A and B"
                    name = f"{name} and {more}" if name and more != name else more
            elif not ((_is_when(t) and not (gap and self._opens_text(cands, j))) or (
                    j > pos and cands[j] == cands[j - 1] + 1
                    and lines[cands[j - 1]].strip().lower() in _BARE_WHEN and _is_date_only(t))):
                # "By" on a line of its own, the name on the next (a byline link split apart); more
                # names a line each, `and` on its own line or not between them (two writers' links)
                glued = j > pos and cands[j] == cands[j - 1] + 1
                above = lines[cands[j - 1]].strip() if j > pos else ""
                if not name and glued and not _ROLE_LABEL.match(t) \
                        and _is_bare_by(above) and self._by_name(f"By {t}", "", False):
                    name, split = _by_name_of(t), True
                elif glued and _JOINER.match(t) and (name or _is_bare_by(above) or _JOINER.match(above)):
                    # (what joined two names; with the names' links dropped, all that is left of them)
                    sep = ", " if t == "," and not (joined and sep == " and ") else " and "
                    joined = bool(name)
                elif (split or joined) and glued and not _ROLE_LABEL.match(t) and not _ROLE_LABEL.match(above) \
                        and _ROLE_WORDS.isdisjoint(t.lower().split()) and not t.startswith("The Week") \
                        and self._by_name(f"By {t}", "", False) and (joined or (_is_when(nxt) and " " in t)):
                    # (not a contributor's name, under `contributions from`: never the author; nor the site)
                    comma = len(name or "") if sep == ", " else -1
                    name, joined, sep = f"{name}{sep}{_by_name_of(t)}", False, " and "
                elif not self._inside_labels(cands, j, pos):
                    break
            j += 1
        if j == pos:  # (the block holds its own first line, or there is none here)
            return None
        if name and comma >= 0:  # `A` / `,` / `B`: a list's last name joins with `and`
            name = f"{name[:comma]} and {name[comma + 2:]}"
        return i, cands[j - 1] + 1, name

    def _opens_text(self, cands: list[int], j: int) -> bool:
        """Whether the time label at `cands[j]` opens a paragraph: text on the line right under it
        that is no label and no bare label's date (a live blog's `Updated 14:32 BST` over its entry,
        a blank line under the byline's labels)."""
        if j + 1 >= len(cands) or cands[j + 1] != cands[j] + 1:
            return False
        t, nxt = self.lines[cands[j]].strip(), self.lines[cands[j + 1]].strip()
        if _BY.match(nxt) and j + 2 < len(cands) and cands[j + 2] == cands[j + 1] + 1:
            # (an entry's own byline between its time stamp and its text: `Updated 14:02` / `By Li Wei` / text)
            after = self.lines[cands[j + 2]].strip()
            return not (_is_when(after) or _BY.match(after)) and _ends(after, _SENTENCE_END)
        return not (_is_when(nxt) or _BY.match(nxt) or (t.lower() in _BARE_WHEN and _is_date_only(nxt)))

    def _inside_labels(self, cands: list[int], j: int, pos: int) -> bool:
        """A short line between two label lines of one block, not a sentence: the author's role on
        a line of its own, or the template's text between the name and the time label; a
        contributor's line ("contributions from" and its name) may take two lines."""
        lines = self.lines
        if not (pos < j and cands[j - 1] + 1 == cands[j]):
            return False
        for k in range(j, min(j + 2, len(cands) - 1)):
            text = lines[cands[k]].strip()
            if cands[k] + 1 != cands[k + 1] or len(text) > 60 or _ends(text, _TERMINAL) or not (
                    _capital(text) or _ROLE_LABEL.match(text) or not _ROLE_WORDS.isdisjoint(text.lower().split())):
                return False
            if _is_when(lines[cands[k + 1]].strip()):
                return k == j or _ROLE_LABEL.match(lines[cands[j]].strip()) is not None
        return False

    @staticmethod
    def _by_name(text: str, nxt: str, after_image: bool) -> bool:
        """`By NAME` is a label next to `published`, right after the image block, or when NAME is name-shaped."""
        m = _BY.match(text)
        if not m or len(text) > 80:
            return False
        name = _by_name_of(m.group(1))
        if _ends(name[-2:], _TERMINAL) and not _ABBREVIATED.search(name):
            return False  # "By dawn, the queue stretched around the block." (but "By Jane Doe Jr.")
        if text[1] == "Y":  # upper-case labels (CSS text-transform): "BY THE NUMBERS" has a name's shape
            return _is_when(nxt)
        if after_image:  # any name that opens like one: not "By 2030, ...", not "By the numbers", and one
            # word of Latin letters only beside a time label ("By Air", a travel subheading, is no name)
            return _capital(name) and (" " in name or not name.isascii() or _is_when(nxt))
        return bool(_is_when(nxt) or (_NAME.match(name) and _capital(name) and _name_words(name)))

    def body(self, start: int, end: int) -> str:
        """The paragraphs in [start, end), each stripped, joined by one blank line."""
        lines = self.lines
        paras = self.lead + self.paragraphs(start, end)
        if paras:
            self.where["body"] = paras[0][0] + 1
        return "\n\n".join([(lines[s] if e - s == 1 else "\n".join(lines[s:e])).strip() for s, e in paras])

    def paragraphs(self, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) index pairs of the runs of non-blank, non-boilerplate lines in [start, end).

        The page's runs clipped to the range: the same runs a scan of just that range finds.
        """
        if start >= end:
            return []
        lo = bisect_right(self.runs, start, key=_END)  # the first run that ends after start
        hi = bisect_left(self.runs, end, lo, key=_START)  # the runs from lo that start before end
        out = self.runs[lo:hi]
        if out:
            if out[0][0] < start:
                out[0] = (start, out[0][1])
            if out[-1][1] > end:
                out[-1] = (out[-1][0], end)
        return out
