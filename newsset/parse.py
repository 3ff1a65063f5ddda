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

Here: the entry points, the header line and the body; `newsset.head` reads the head
(standfirst, image block, byline labels), `newsset.ending` the end (paywall, footer,
signature, bio), both on one page's state (`newsset.page`). What one line is (a credit, a
label, a signature, a name) is `newsset.lines`; the catalogue of boilerplate lines is
`newsset.boilerplate`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import os
import re
from bisect import bisect_right
from dataclasses import replace
from itertools import compress
from operator import itemgetter
from pathlib import Path

from . import text as _text
from .boilerplate import (
    INVISIBLE,
    INVISIBLE_CHARS,
    ZERO_WIDTH_CHARS,
)
from .decode import decode_raw, line_ends
from .ending import EndReader
from .errors import SURROGATE, Issue, ParseError, internal_error
from .head import HeadReader, kicker, tagged_kicker
from .lines import (
    HEADER,
    ISO_DATE,
    LABEL_OPENINGS,
    SECOND_HEADER,
    SIG_DROP,
    credit_of,
    is_when,
    unmarked,
)
from .page import RUN_END, text_runs
from .records import Article, article_id, nfc_article_id
from .text import nfc

__all__ = ["parse_bytes", "parse_file", "parse_text"]

# ---------------------------------------------------------------- layout constants
# (what one line is, on its own: newsset.lines)

_HEADER_LEAD = " \t" + ZERO_WIDTH_CHARS


# ---------------------------------------------------------------- parsing

def parse_file(path: str | Path, root: str | Path | None = None, *, fix_mojibake: bool = False) -> Article:
    """Read and parse one page; `source` is the path relative to `root` (default: its folder). A
    refusal's issue names the file as given (`path`), so it can be opened."""
    from .reading import read_page_file, unreadable_issue  # (here: it imports the archive modules)

    _expect("parse_file", "path", path, (str, os.PathLike), "a path")
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
    if not isinstance(raw, bytes) or not isinstance(source, str):
        _expect("parse_bytes", "raw", raw, (bytes, bytearray, memoryview),
                "the page's bytes (a str goes to parse_text)")
        _expect("parse_bytes", "source", source, str, "a str")
        raw = bytes(raw)
    text, suspect, plain, invisible = decode_raw(raw, source)  # strict UTF-8: no lone surrogates can come out
    return _parse(text, source, hashlib.sha256(raw).hexdigest(), False, fix_mojibake, suspect, plain, invisible)


def parse_text(text: str, source: str = "<text>", source_sha256: str | None = None, *,
               fix_mojibake: bool = False) -> Article:
    """Parse one page's text. Raises `ParseError` with a located issue when it cannot."""
    _expect("parse_text", "text", text, str, "the page's text as a str (bytes go to parse_bytes)")
    _expect("parse_text", "source", source, str, "a str")
    _expect("parse_text", "source_sha256", source_sha256, (str, type(None)), "a str or None")
    if source_sha256 is None:
        source_sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    text = nfc(line_ends(text))
    surrogates = not text.isascii() and bool(SURROGATE.search(text))
    suspect = not text.isascii() and _text.suspicious(text.encode("utf-8", "surrogatepass"))
    return _parse(text, source, source_sha256, surrogates, fix_mojibake, suspect)


def _expect(function: str, name: str, value: object, types: type | tuple[type, ...], kind: str) -> None:
    """A TypeError that names the argument, not one from deep inside the parser."""
    if not isinstance(value, types):
        raise TypeError(f"{function}: {name} must be {kind}, got {type(value).__name__}")


def _parse(text: str, source: str, sha: str, check_surrogates: bool, fix: bool, suspect: bool,
           plain: bool = False, invisible: bool | None = None) -> Article:
    """`_read`, with a failure of the parser itself as the page's issue (`errors.internal_error`)."""
    try:
        return _read(text, source, sha, check_surrogates, fix, suspect, plain, invisible)
    except (ParseError, MemoryError):
        raise
    except Exception as e:
        raise ParseError(internal_error("parse.internal-error", "newsset's parser", e, source, 1)) from e


def _read(text: str, source: str, sha: str, check_surrogates: bool, fix: bool, suspect: bool,
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
    if fixer is not None:  # (a repair may make them: `Byâ€‹` is `By` and a zero-width space; audit n37)
        invisible = any(c in ln for ln in lines if not ln.isascii() for c in INVISIBLE_CHARS)
    elif invisible is None:
        invisible = not text.isascii() and any(c in text for c in INVISIBLE_CHARS)
    if invisible:
        lines = ["" if ln and ln.lstrip()[:1] in INVISIBLE_CHARS and not ln.translate(INVISIBLE).strip() else ln
                 for ln in lines]  # shows as blank
        lines = [_label_seen(ln) if ln and (ln.lstrip()[:1] in _ZERO_WIDTH_ENDS or ln[-1] in _ZERO_WIDTH_ENDS)
                 and len(ln) <= _LABEL_MAX else ln for ln in lines]
    # Each line's first character, white space aside: the lines `_marked_labels` may change and the
    # ones a second page's header may stand on open with few of them (one pass over ~40 lines, not
    # searches of the whole text). A line a repair changed is not in `text`: then `text` decides, as ever.
    opens = list(map(_FIRST, map(str.lstrip, lines)))  # (in C: ln.lstrip()[:1] for each)
    if (_may_mark(lines, opens) if fixer is None else "*" in text or "<" in text or "_" in text
            or "ritten by" in text or "RITTEN BY" in text) and (marked := _marked_labels(lines)) is not None:
        lines = marked
    page = _Page(lines, source, check_surrogates)
    # Callers give NFC text (a repaired line may not be), plain when they know it is.
    art = page.parse(sha, nfc_known=fixer is None, plain=plain and fixer is None)
    if fixer is not None or any(map(_may_head, compress(lines[1:], map(_SECOND_OPENINGS.__contains__, opens[1:])))):
        _second_header(text, source)
    if found:
        issues = _text.page_issues(text, found, page.lines, art.lines, art.to_dict(), source, fixer)
        art = replace(art, issues=tuple(issues))
    return art


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
    return " ".join(name.translate(SIG_DROP).split()) or None  # (and without zero-width characters)


_LABEL_MAX = 120  # characters: a byline label line is short
_FIRST = itemgetter(slice(None, 1))  # a text's first character ("" for "")
_MARKUP_OPENINGS = frozenset("*_<")
_WRITTEN = ("Written by ", "WRITTEN BY ")
# What a line holding a second page's header opens with (white space aside; see `SECOND_HEADER`).
_SECOND_OPENINGS = frozenset("DdV" + ZERO_WIDTH_CHARS)
_ZERO_WIDTH_ENDS = "\u200b\u2060\ufeff"  # (not the direction marks: those the text warnings name)


def _may_mark(lines: list[str], opens: list[str]) -> bool:
    """Whether `_marked_labels` may change a line: one opens with markup (`*`, `_`, `<`) or with
    `Written by` (white space aside; `opens`: each line's first character so)."""
    return not _MARKUP_OPENINGS.isdisjoint(opens) or "W" in opens and any(
        ln.lstrip()[:11] in _WRITTEN for ln, first in zip(lines, opens) if first == "W")


def _marked_labels(lines: list[str]) -> list[str] | None:
    """The lines with the byline labels a scraper kept in Markdown or HTML (`**By Ann Lee**`,
    `<strong>By Ann Lee</strong>`, `*published 4 March 2025*`) as they show, and another template's
    `Written by Ann Lee` as `By Ann Lee`, when a line next to one is a label or an image credit too
    (a subheading `**By the numbers**` in the body stays as written); None when there are none."""
    out = None
    for i, ln in enumerate(lines):
        if not ln or len(ln) > _LABEL_MAX or ln.lstrip()[:1] not in "*_<Ww":
            continue
        bare = unmarked(ln) if ln.lstrip()[:1] in "*_<" else ln.strip()
        if bare[:11] in ("Written by ", "WRITTEN BY ") and _writer_credit(bare[11:]) \
                and not _by_label_near(lines, i):  # another template's words for the label
            bare = ("By " if bare[:2] == "Wr" else "BY ") + bare[11:].lstrip()
        if bare != ln.strip() and bare.startswith(LABEL_OPENINGS) and (bare[:3] in ("By ", "BY ") or is_when(bare)):
            near = [unmarked(lines[k]) for k in (i - 1, i + 1) if 0 <= k < len(lines) and lines[k]]
            if any(t[:2] in ("By", "BY") or is_when(t) or credit_of(t) is not None for t in near):
                out = out or list(lines)
                out[i] = bare
    return out


_CLAUSE = re.compile(r",\s*[a-z]|\b[Bb][Yy]\b|[;:!?]$|(?<![A-Z])(?<!Jr)(?<!Sr)\.$")  # (`Ann Lee Jr.`: a name)


def _writer_credit(rest: str) -> bool:
    """Whether what follows `Written by` names writers and says no more: not a sentence (`..., the
    play runs until May.`) nor a play's credits (`Ann Lee, directed by Bob Stone`)."""
    rest = rest.strip()
    return bool(rest) and _CLAUSE.search(rest) is None


def _by_label_near(lines: list[str], i: int) -> bool:
    """Whether the site's own `By` label stands a few lines above or below line `i`: then a `Written by`
    there is a play's or a book's credit, not the byline."""
    for k in range(max(0, i - 6), min(len(lines), i + 4)):
        t = unmarked(lines[k]) if k != i and lines[k] else ""
        if t in ("By", "BY") or t[:3] in ("By ", "BY ") and len(t.split()) <= 6 and t[-1:] not in ".,;:":
            return True
    return False


def _label_seen(line: str) -> str:
    """A label line as it shows: without the zero-width characters at its ends (`By\u200b`, a
    zero-width space the HTML left), which hid it from the label tests; any other line as written."""
    shown = line.strip().strip(_ZERO_WIDTH_ENDS).strip()
    return shown if shown.startswith(LABEL_OPENINGS) else line


def _second_header(text: str, source: str) -> None:
    """Refuse two pages saved into one file: the record would mix two articles. (A regex that starts
    with a newline searches in C for newlines only: ~2 us a page.)"""
    m = SECOND_HEADER.search(text)
    if m is not None and not text[:m.start()].translate(INVISIBLE).strip():  # the page's own header, after
        # blank lines (lines of zero-width characters alone too: they show as blank; audit n37)
        m = SECOND_HEADER.search(text, m.end())
    # A second page saved by the same scraper writes its header as the first: `date` in the same case
    # (a body line `Date 2025-07-12 Harlow v Stevenage` under a ` date ...` header is a fixture list's).
    own = _own_date(text) if m is not None else ""  # (once: it reads past the blank lines over the header)
    while m is not None and (text[m.start("h"):m.start("h") + 4] != own or not _page_start(text, m.start("h"))):
        m = SECOND_HEADER.search(text, m.end())
    if m is not None:
        line = text.count("\n", 0, m.start("h")) + 1
        got = text[m.start("h"):].split("\n", 1)[0].strip()[:60]
        raise ParseError(Issue("parse.second-header", f"expected one article per file, got a second header {got!r} "
                               "(two pages saved into one file?)", source, line, expected="one header line",
                               got=got))


def _may_head(line: str) -> bool:
    """Whether a line may hold a second page's header, as `SECOND_HEADER` finds one: `date` after white
    space or invisible characters, or after the footer's `View More` (a look at its first words)."""
    text = line.lstrip(_HEADER_LEAD)
    if text[:9] == "View More":
        text = text[9:].lstrip(" \t\u25b8")
    return text[:4].lower() == "date"


def _own_date(text: str) -> str:
    """The word `date` as the page's own header writes it (in its case)."""
    m = _OWN_DATE.match(text)
    return m.group(1) if m else ""


_OWN_DATE = re.compile(f"[{_HEADER_LEAD}\n]*([Dd][Aa][Tt][Ee])")


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


class _Page(HeadReader, EndReader):
    """One page, parsed: the header and body here, the head (standfirst, image, byline) in
    `newsset.head`, the end (paywall, footer, signature, bio) in `newsset.ending`, on the state
    both share (`newsset.page`)."""

    def parse(self, sha: str, nfc_known: bool = False, plain: bool = False) -> Article:
        lines = self.lines
        h = 0 if lines[0] else next((i for i, ln in enumerate(lines) if ln), None)  # (the header opens most pages)
        if h is None:
            raise self.fail("input.empty", "expected an article, got only whitespace", 0)
        date, title = self.header(h)
        for i, ln in enumerate(lines) if self.check_surrogates else ():
            if SURROGATE.search(ln):
                raise self.fail("input.encoding", "expected Unicode text, got a lone surrogate (half of a UTF-16 "
                                "pair), which UTF-8 cannot encode", i, expected="UTF-8 text", got="lone surrogate")
        end, truncated, tail = self.body_end(h + 1)
        author, publication, bio = self.signature(tail, end if truncated else -1)
        if self.sig_line is not None:  # (under a paywall it is below `end`: the body stays as it is)
            end = min(end, self.sig_line)
        title, first = self._title_run_on(h, title)
        start, subtitle, alt, caption, credit, by_name = self.head(self._after_title(first, end, title), end)
        body = self.body(start, end)
        if not body or not _text.has_visible_text(body):  # (only invisible characters: no text to read)
            # Located at the first line where the body could start that holds anything (boilerplate, a
            # label), else at the last line of the page: never at a blank line or past the end.
            at = next((i for i in range(start, len(lines)) if lines[i]), None)
            at = at if at is not None else max(i for i in range(len(lines)) if lines[i])
            if truncated:  # (text saved under the paywall is no body of the article)
                sig = self.sig_line
                under = sig if sig is not None and sig >= tail else self.footer_start(tail)
                why = ", and what a page saves under it is not read" if self.paragraphs(tail, under) else ""
                raise self.fail("parse.missing-body", f"expected at least one paragraph of article text above the "
                                f"paywall block (line {end + 1}), got none: a paywall ends the body{why}", at,
                                expected="body paragraphs above the paywall", got="none")
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
        m = HEADER.match(line)
        token = (m.group(1) or "") if m else ""
        if not ISO_DATE.match(token):  # (an ISO date has digits: the check below only sorts the failures)
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

    def _title_run_on(self, h: int, title: str) -> tuple[str, int]:
        """The headline of a page the scraper hard-wrapped (html2text's 78 columns, `lynx -dump`): the
        header line and the one or two lines glued under it, up to a blank line, when they go on in
        lower case, or when the page's paragraphs are wrapped (three lines or more broken mid-sentence)
        and the next word would not have fitted on the header line. Else the header's title; with
        where the page goes on."""
        lines, keys = self.lines, self.keys
        k = j = h + 1
        if k >= len(lines) or not lines[k] or keys[k] is not None or len(lines[h]) < 40:
            return title, k
        while j < len(lines) and lines[j] and keys[j] is None:
            j += 1
        if j - k > 2 or (j < len(lines) and lines[j]) or any(
                lines[i].lstrip().startswith(LABEL_OPENINGS) or credit_of(lines[i]) is not None for i in range(k, j)):
            return title, k  # (a standfirst glued on, the labels or an image: a page without blank lines)
        if _site_titled(" ".join(lines[i].strip() for i in range(k, j)), title):
            return title, k  # the headline saved again, glued on (`_after_title` leaves it out; audit n37)
        if not lines[k].lstrip()[:1].islower():  # (a headline's words go on in lower case; a standfirst opens)
            width = self._wrap_width(j)
            if width is None or len(lines[h].rstrip()) + 1 + len(lines[k].split(None, 1)[0]) <= width:
                return title, k
        return " ".join([title, *(lines[i].strip() for i in range(k, j))]), j

    def _after_title(self, first: int, end: int, title: str) -> int:
        """Where the page goes on after the header: past the headline saved again on a line of its own
        (a scraper that took the page's heading too), which is neither standfirst nor body. (A loop, not
        a call for each copy: a page of a thousand copies went past the interpreter's stack.)"""
        stale = False  # (runs are found again once, at the end: once a copy made a page of them quadratic)
        try:
            while True:
                at = bisect_right(self.runs, first, key=RUN_END)  # (a run left out ends at `first`: passed over)
                if at >= len(self.runs):
                    return first
                s, e = self.runs[at]
                if e - s == 1 and first <= s < end and _site_titled(self.lines[s].strip(), title):
                    first = e  # (saved twice: the page's <title> and its <h1>)
                    continue
                if e - s > 1 and first <= s < end - 1 and _site_titled(self.lines[s].strip(), title):
                    # glued over the next part (the caption, the labels, the standfirst: audit t36, a scraper
                    # that kept the <h1> with no blank line under it): the line alone is left out, and a
                    # Markdown underline under it (`====`) with it
                    under = self.lines[s + 1].strip()
                    cut = s + 2 if under and set(under) <= {"=", "-"} else s + 1
                    self.keys[s:cut] = [""] * (cut - s)
                    stale = True
                    if cut != e:
                        return cut
                    first = cut
                    continue
                if first < e:  # a section's kicker over the headline saved again (the older site's page top:
                    labels = self.lines[max(s, first):e]  # `Instant Opinion`, `Speed Reads` / `First look`)
                    for s2, e2 in self.runs[at + 1:at + 3]:
                        if e2 - s2 == 1 and s2 < end and _site_titled(self.lines[s2].strip(), title) \
                                and (kicker(labels, self.lines[s2]) or tagged_kicker(labels, self.lines[s2])):
                            return e2
                        labels = labels + self.lines[s2:e2]  # (a second label a blank line under the first)
                if s < first < end and _site_titled(self.lines[first].strip(), title):
                    return first + 1  # (glued under the header line: no blank line between them)
                return first
        finally:
            if stale:
                self.runs = text_runs(self.keys)

    def body(self, start: int, end: int) -> str:
        """The paragraphs in [start, end), each stripped, joined by one blank line."""
        lines = self.lines
        paras = self.lead + self.paragraphs(start, end)
        if paras:
            self.where["body"] = paras[0][0] + 1
        return "\n\n".join([(lines[s] if e - s == 1 else "\n".join(lines[s:e])).strip() for s, e in paras])

