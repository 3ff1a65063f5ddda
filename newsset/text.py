"""Suspicious text inside valid UTF-8: mojibake, bidi controls, zero-width characters, non-NFC text.

These never make an input invalid: they are `warning` issues (`text.mojibake`, `text.mojibake-fixed`,
`text.bidi-control`, `text.control`), and the text is never rewritten unless the caller asks
(`fix_mojibake=True`, for mojibake).

Mojibake is UTF-8 read as cp1252 or Latin-1 (`cafÃ©`, `donâ€™t`, `â€œ`). The detector needs no
extra package: a compiled regex finds a UTF-8 lead byte's character followed by the right number
of continuation-byte characters, and each candidate is kept only when its bytes decode as UTF-8
to a character that such text plausibly holds (Latin, Greek, Cyrillic, Hebrew, Arabic, Vietnamese
letters, typographic punctuation, symbols, emoji). A two-character candidate whose second
character is punctuation (`Ã”`, `É”`) counts only inside a word: an upper-case word can end in
`Ã` or `É` before a closing quote (`“IRMÃ”`, `“CAFÉ”`). `â€` with its third byte lost is flagged
too (it cannot be repaired: the lost byte is unknown).

The fix, when asked for, uses `ftfy.fix_encoding` on each affected line when ftfy is installed
(`pip install 'newsset[ftfy]'`), then re-decodes the three-character sequences the detector still
finds (ftfy is cautious with some: `â–¸`); without ftfy, only that re-decoding, of every sequence.
The warning names the fixer, since the two can differ on rare inputs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import Issue

__all__ = ["BIDI_CONTROLS", "CONTROLS", "ZERO_WIDTH", "Finding", "describe", "find", "fix_mojibake", "fixer_name",
           "locate", "nfc", "line_facts", "page_issues", "record_issues", "specials", "suspicious", "has_visible_text",
           "nfc_inert"]

#: Bidi embeddings, overrides and isolates: they reorder how text displays (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Control characters with no place in text: C0 but NUL (refused outright), tab, line ends, vertical
#: tab and form feed (white space); DEL; the C1 range but U+0085 (NEL, white space like the
#: others: see `decode.decode_raw`), where a cp1252 byte read as Latin-1 lands (`Don\u0092t` for
#: `Don’t`). Terminal escapes (ESC) are C0.
CONTROLS = "".join(map(chr, [*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)]))
#: Zero-width characters with no meaning in news text; removed from dedup keys only. ZWJ and ZWNJ
#: (U+200D, U+200C) are not here: they change how Indic, Persian and emoji text is written.
ZERO_WIDTH = "\u200b\u2060\ufeff"

_BYTE: dict[str, int] = {}  # a character as cp1252 (else Latin-1) shows byte 0x80..0xFF -> the byte
for _b in range(0x80, 0x100):
    try:
        _BYTE.setdefault(bytes([_b]).decode("cp1252"), _b)
    except UnicodeDecodeError:
        pass
    _BYTE.setdefault(chr(_b), _b)  # the Latin-1 reading (C1 controls where cp1252 has no character)


def _chars(lo: int, hi: int) -> str:
    return "".join(re.escape(c) for c, b in sorted(_BYTE.items()) if lo <= b <= hi)


_CONT = _chars(0x80, 0xBF)
_MOJIBAKE = (f"[{_chars(0xF0, 0xF4)}][{_CONT}]{{3}}|[{_chars(0xE0, 0xEF)}][{_CONT}]{{2}}"
             f"|[{_chars(0xC2, 0xDF)}][{_CONT}]|\u00e2\u20ac")
_SUSPECT = re.compile(f"{_MOJIBAKE}|[{BIDI_CONTROLS}]|[{re.escape(CONTROLS)}]")
_ASCII_CONTROL = re.compile("[\x01-\x08\x0e-\x1f\x7f]")
# What a C1 control stands for when a cp1252 byte was read as Latin-1 (cp1252 leaves 0x81, 0x8D, 0x8F,
# 0x90 and 0x9D undefined; U+0085 is no finding).
_C1_READS = {chr(b): bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
             if b not in (0x81, 0x85, 0x8D, 0x8F, 0x90, 0x9D)}
# The same in UTF-8 bytes, as a cheap gate (~20x faster than _SUSPECT, which scans at ~25 ns a
# character): a lead character (U+00C2..U+00F4) is C3 82..C3 B4, and every continuation
# character starts with C2 (U+0080..U+00BF), C5, C6, CB (cp1252's letters and accents) or E2
# (its punctuation, the euro and the trade mark sign); the bidi controls are E2 80 AA..AE and
# E2 81 A6..A9. tests/test_bad_inputs.py checks that every _SUSPECT match passes the gate.
_GATE_MOJIBAKE = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
_GATE_BIDI = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")
_GATE_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1f\x7f]|\xc2[\x80-\x84\x86-\x9f]")  # CONTROLS in UTF-8
# The characters of `_GATE_BIDI` and `_GATE_CONTROL`, for a search of decoded text.
_GATE_CHARS = re.compile("[\x01-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
# Continuation characters that can follow a word as punctuation (closing quotes, German closing
# quotes, ellipsis, dashes, degree): as the second of two, a candidate counts only inside a word.
_PUNCT = frozenset("\u2026\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u203a\u00bb\u00b0\u00b7")
# Where the character a mojibake sequence stands for plausibly lies.
_PLAUSIBLE = ((0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x52F), (0x590, 0x6FF), (0x1E00, 0x1EFF),
              (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x21FF), (0x2200, 0x22FF), (0x2500, 0x27BF),
              (0x1F000, 0x1FAFF))


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspicious sequence: `kind` is "mojibake" or "bidi"; `reads` is what mojibake stands for
    (None when it cannot be known)."""

    start: int
    end: int
    kind: str
    text: str
    reads: str | None = None
    count: int = 1  # (`text` that many times in a row, from `start` to `end`)


def _decoded(seq: str) -> str | None:
    try:
        ch = bytes(_BYTE[c] for c in seq).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    cp = ord(ch)
    return ch if any(lo <= cp <= hi for lo, hi in _PLAUSIBLE) and unicodedata.category(ch) != "Cn" else None


def suspicious(data: bytes, rest: bytes | None = None, chars: str | None = None) -> bool:
    """Cheap test on UTF-8 bytes: could they hold mojibake, a bidi control or another control
    character? (`find` decides.)

    `rest`, the same bytes without their ASCII ones when known, is looked at first: a bidi control
    is in `data` exactly when it is in `rest`, and mojibake (non-ASCII characters next to each other)
    can be in `data` only if the gate matches `rest` too. Both ways give the same answer. `chars`:
    `rest` decoded, when known (valid UTF-8, so its bidi and control characters are exactly the byte
    sequences the gates look for: one search of a short string, ~10x faster than the two gates).
    """
    if rest is not None:
        if (_GATE_CHARS.search(chars) is not None) if chars is not None else (
                _GATE_BIDI.search(rest) or _GATE_CONTROL.search(rest)):
            return True
        return _GATE_MOJIBAKE.search(rest) is not None and _GATE_MOJIBAKE.search(data) is not None
    return (_GATE_MOJIBAKE.search(data) is not None or _GATE_BIDI.search(data) is not None
            or _GATE_CONTROL.search(data) is not None)


def specials(nonascii: str) -> set[str]:
    """The characters of `nonascii` that NFC or case folding might change: the ones the fast path
    of `dedup.normalize_body` must look at (none, in most text)."""
    return set((_NFC_CLASSES or _nfc_classes())[0].findall(nonascii))


def nfc_inert(nonascii: str, found: set[str] | None = None) -> bool:
    """True when a text whose non-ASCII characters are `nonascii` (in order) is NFC as it stands:
    none of them is one NFC could change or compose (the fast-path classes of `dedup.normalize_body`,
    whose inertness tests/test_parse_equivalence.py checks). False means: ask `unicodedata`.
    `found`: `specials(nonascii)`, when the caller has it."""
    _, general, end = _NFC_CLASSES or _nfc_classes()
    if found is None:
        found = specials(nonascii)
    return not found or (max(found) < end and found.isdisjoint(general))


_NFC_CLASSES: tuple[re.Pattern[str], frozenset[str], str] | None = None


def _nfc_classes() -> tuple[re.Pattern[str], frozenset[str], str]:
    global _NFC_CLASSES
    _NFC_CLASSES = (*special_chars(), chr(TABLE_END))
    return _NFC_CLASSES


# Characters from here up always take the general path; those below are classified on first use.
# (Here, not in `dedup`, which imports numpy: the parser needs these tables, and numpy takes longer
# to import than the tables take to build.)
TABLE_END = 0x3000


@functools.cache
def special_chars() -> tuple[re.Pattern[str], frozenset[str]]:
    """(pattern, general): the pattern finds the non-ASCII characters the fast path must look at,
    `general` holds those of them it cannot take (the others only change under case folding).

    The fast path of `dedup.normalize_body` (and `nfc_inert`, here) needs text that NFC leaves alone.
    By the quick check of UAX #15 that holds when every character is a starter (combining class 0)
    with NFC_Quick_Check=Yes; a character may fail
    that when NFC changes it on its own (NFC_QC=No), when its combining class is not 0, when it is a
    mark, or when it can be the second of a canonical composition (NFC_QC=Maybe: the second halves
    of the two-character canonical decompositions, and the Hangul vowel and trailing jamo, which
    compose by rule). Such characters, non-ASCII white space other than NBSP, the zero-width
    characters the key drops, and everything from TABLE_END up take the general path.
    Built from the running Python's unicodedata (~13 ms, once).
    """
    return _classes(_decomposable())


def _classes(decomposable: Iterable[str]) -> tuple[re.Pattern[str], frozenset[str]]:
    """`special_chars` from the characters that may have a canonical decomposition (a superset will do)."""
    second = {*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)}  # Hangul V and T jamo
    for c in decomposable:
        d = unicodedata.decomposition(c)
        if d and d[0] != "<" and " " in d:
            second.add(int(d.split()[-1], 16))
    general, fold = [], []
    for cp in range(0x80, TABLE_END):
        c = chr(cp)
        if (cp in second or unicodedata.combining(c) or unicodedata.category(c)[0] == "M"
                or unicodedata.normalize("NFC", c) != c or (c.isspace() and c != "\xa0") or c in ZERO_WIDTH):
            general.append(c)
        elif c.casefold() != c:
            fold.append(c)
    cls = "".join(re.escape(c) for c in general + fold)
    return re.compile(f"[{cls}{re.escape(chr(TABLE_END))}-\\U0010ffff]"), frozenset(general)


def _decomposable() -> Iterator[str]:
    """The characters from U+00C0 up that may have a canonical decomposition (a superset: whole
    blocks of 256 code points at a time). A block NFD leaves alone holds none: a character with one
    has NFD_Quick_Check=No. One look at each block in C instead of a call per code point (~70 ms).
    Planes 4-13 are unassigned and 14-16 hold no decompositions; surrogates have none, and Hangul
    syllables, which decompose by rule, have none in the table `unicodedata.decomposition` reads
    (their halves, the jamo, are in `special_chars`'s set from the start). tests/test_parse_equivalence
    checks the result against a look at every code point."""
    chars = _code_points()
    for lo, hi in ((0xC0, 0xAC00), (0xD7A4, 0xD800), (0xE000, 0x40000)):
        for at in range(lo, hi, 256):
            block = chars[at:min(at + 256, hi)]
            if not unicodedata.is_normalized("NFD", block):
                yield from block


def _code_points() -> str:
    """U+0000 .. U+3FFFF as one string (surrogates aside: "" there), built in C from their UTF-32,
    whose bytes are the sequences 0..255 interleaved, not from a quarter of a million ints."""
    n = 0x40000
    utf32 = bytearray(4 * n)
    utf32[0::4] = bytes(range(256)) * (n >> 8)
    utf32[1::4] = b"".join(bytes([b]) * 256 for b in range(256)) * (n >> 16)
    utf32[2::4] = b"".join(bytes([plane]) * 65536 for plane in range(n >> 16))
    return utf32[:0xD800 * 4].decode("utf-32-le") + "\0" * 0x800 + utf32[0xE000 * 4:].decode("utf-32-le")


def find(text: str) -> list[Finding]:
    """Every mojibake sequence, bidi control and other control character in `text`, in order."""
    out: list[Finding] = []
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return out
    search, pos = _SUSPECT.search, 0
    while (m := search(text, pos)) is not None:
        seq, start = m.group(), m.start()
        # The same sequence again right after it: one finding for the run (a page of a million bidi
        # controls took seconds and a gigabyte as a finding each). Runs stay on their line. (Each
        # pattern but `\u00e2\u20ac`'s has one length for its first character: the run's sequences are
        # the ones a match at each would find.)
        end = pos = m.end()
        if text.startswith(seq, end) and seq != "\u00e2\u20ac":
            end = pos = _repeats(seq).match(text, start).end()  # type: ignore[union-attr]  # (seq is there)
        count = (end - start) // len(seq)
        if len(seq) == 1:
            kind = "bidi" if seq in BIDI_CONTROLS else "control"
            out.append(Finding(start, end, kind, seq, _C1_READS.get(seq), count))
        elif seq == "\u00e2\u20ac":  # the third byte was lost: mojibake, but of which character is unknown
            out.append(Finding(start, end, "mojibake", seq, None, count))
        else:
            reads = _decoded(seq)
            if reads is None:
                pos = m.end()  # (not mojibake: what follows its first characters is looked at again)
                continue
            if len(seq) == 2 and seq[1] in _PUNCT and not text[end:end + 1].isalnum() and (
                    seq[0] != "\u00c2" or not (start == 0 or text[start - 1].isspace())):
                # `“CAFÉ”`: an upper-case word ending before a closing quote (the run's last; before
                # the others stands the sequence's first letter). But `Â` after white space is no word's:
                # `Name Â· published`, `Sign up Â»` are mojibake of `·` and `»` (audit n37; not `«Â»`)
                end, count = end - 2, count - 1
                if not count:
                    continue
            out.append(Finding(start, end, "mojibake", seq, reads, count))
    return out


@functools.lru_cache(maxsize=64)
def _repeats(seq: str) -> re.Pattern[str]:
    return re.compile(f"(?:{re.escape(seq)})+")


def _redecode(text: str, min_chars: int = 2) -> str:
    """The mojibake sequences `find` can read (of `min_chars` or more), replaced by what they stand
    for (at most 3 rounds: text encoded twice reads as mojibake of mojibake)."""
    for _ in range(3):
        found = [f for f in find(text) if f.kind == "mojibake" and f.reads is not None
                 and f.end - f.start >= min_chars * f.count]
        if not found:
            break
        parts: list[str] = []
        at = 0
        for f in found:
            parts += [text[at:f.start], (f.reads or f.text) * f.count]
            at = f.end
        text = "".join(parts) + text[at:]
    return text


def fixer_name() -> str:
    """The mojibake fixer in use: "ftfy VERSION" when installed, else "re-decoding"."""
    try:
        import ftfy
    except ImportError:
        return "re-decoding"
    return f"ftfy {getattr(ftfy, '__version__', '?')}"


def fix_mojibake(text: str) -> str:
    """`text` with its mojibake repaired (see the module doc); NFC like all stored text."""
    try:
        import ftfy
    except ImportError:
        fixed = _redecode(text)
    else:  # (then the sequences of three characters ftfy leaves that `find` reads, `View More â–¸`: audit
        # n37; not those of two, which ftfy weighs better: `Dara Ó` and a non-breaking space, audit x37)
        fixed = _redecode(ftfy.fix_encoding(text), min_chars=3)
    return nfc(fixed)


def has_visible_text(text: str) -> bool:
    """Whether the text holds a character one can see: not only whitespace (NBSP included), line
    and paragraph separators, controls and format characters (a zero-width space, a BOM, bidi
    marks). The parser refuses a page whose title or body has none, and the record checks a record."""
    if text[:1].isalnum():  # nearly every text, at once
        return True
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)


_INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc"})


def nfc(text: str) -> str:
    """`text` in Unicode normalisation form C (text with a lone surrogate is returned as it is)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    try:
        return unicodedata.normalize("NFC", text)
    except UnicodeError:  # a lone surrogate: reported elsewhere
        return text


def describe(kind: str, field: str, found: list[Finding], fixed: str | None) -> tuple[str, str, str, str]:
    """(code, message, expected, got) of the warning for `found` (all of one kind) in `field`.
    `fixed`: the fixer used, or None when the text was left as it is."""
    first = found[0]
    n = sum(f.count for f in found)
    more = f" and {n - 1} more" if n > 1 else ""
    if kind == "control":
        reads = f" (a cp1252 byte read as Latin-1: it stands for {first.reads!r})" if first.reads else ""
        return ("text.control", f"expected text without control characters in {field}, got "
                f"U+{ord(first.text):04X}{reads}{more}; left as it is", "no control characters",
                f"U+{ord(first.text):04X}")
    if kind == "bidi":
        name = unicodedata.name(first.text, f"U+{ord(first.text):04X}")
        return ("text.bidi-control", f"expected text without bidi controls in {field}, got "
                f"U+{ord(first.text):04X} {name}{more}: it can make text display in another order than stored",
                "no bidi embedding, override or isolate", f"U+{ord(first.text):04X}")
    reads = f" (UTF-8 read as cp1252; it stands for {first.reads!r})" if first.reads else \
        " (UTF-8 read as cp1252, with a byte lost: what it stood for is unknown)"
    if fixed:
        return ("text.mojibake-fixed", f"expected text decoded once, got mojibake {first.text!r}{reads}{more} in "
                f"{field}; fixed with {fixed}", "UTF-8 text", first.text)
    return ("text.mojibake", f"expected text decoded once, got mojibake {first.text!r}{reads}{more} in {field}; "
            "left as it is", "UTF-8 text", first.text)


def locate(text: str, found: list[Finding]) -> list[tuple[int, int, Finding]]:
    """(line index from 0, column from 1, finding) for findings in `text` whose lines end with `\\n`.

    Linear in `text` for findings in order (as `find` gives them): each one looks only at the text
    between it and the one before, not back to its line's start (thousands of findings on one long
    line took quadratic time)."""
    out = []
    line, at, nl = 0, 0, -1  # nl: the last newline before `at` (-1: none)
    for f in found:
        start = f.start
        if start >= at:
            n = text.count("\n", at, start)
            if n:
                line += n
                nl = text.rfind("\n", at, start)
        else:  # out of order (never from `find`): the line count goes on from here, as it always did
            nl = text.rfind("\n", 0, start)
        at = start
        out.append((line, start - nl, f))
    return out


TEXT_FIELDS = ("title", "subtitle", "author", "publication", "author_bio", "image_alt", "image_caption",
               "image_credit", "body")


class _Fields:
    """Which record field a page line's text went to, for `page_issues`: of the fields that start on
    or above the line and hold its text (or, on a line shared by two fields, hold the text at the
    finding's column), the one that starts last (on a tie, the first in `TEXT_FIELDS`). None: the
    line was dropped (boilerplate, footer).

    Built once a page, so that the cost does not grow with findings times line or field length
    (a 640 KB line of mojibake took ~100 s): the fields are tried in that order and the first that
    holds the text wins; a line's facts are found once for all its findings; a field is searched
    for a line from where the line before was found in it (a field's lines come in page order), only
    when it has every character of the line, and once for each text. Left at worst: one search of a
    field for each line with findings that the field does not hold but could (a dropped line)."""

    def __init__(self, where: dict[str, int], values: dict[str, object]) -> None:
        fields = []
        for order, f in enumerate(TEXT_FIELDS):
            start, value = where.get(f), values.get(f)
            if start is not None and isinstance(value, str) and value:
                fields.append((start, order, f, value))
        fields.sort(key=lambda t: (-t[0], t[1]))
        self.fields = [(start, f, value) for start, _, f, value in fields]
        self.cursor: dict[str, int] = {}  # field -> where the last line found in it starts
        self.chars: dict[str, set[str]] = {}  # field -> the characters of its text
        self.seen: dict[tuple[str, str], bool] = {}  # (field, stripped line) -> does the field hold it
        self.line_no = -1
        self.line = ""
        self.stripped: str | None = None
        self.spans: dict[str, tuple[int, int]] = {}  # field -> (where its text starts in the line, its length)
        self.holds: dict[str, bool] = {}  # field -> does it hold the line's stripped text

    def at(self, line_no: int, line: str, column: int) -> str | None:
        """The field that holds the text at `column` (from 1) of page line `line_no` (from 1), whose
        text as parsed is `line`."""
        if line_no != self.line_no:
            self.line_no, self.line, self.stripped = line_no, line, None
            self.spans, self.holds = {}, {}
        for start, f, value in self.fields:
            if start > line_no:
                continue
            span = self.spans.get(f)
            if span is None:
                span = self.spans[f] = (self.line.find(value), len(value))
            k, n = span
            if k >= 0 and k < column <= k + n:
                return f
            whole = self.holds.get(f)
            if whole is None:
                whole = self.holds[f] = self._holds(f, value)
            if whole:
                return f
        return None

    def _holds(self, f: str, value: str) -> bool:
        """`stripped in value` for the current line's stripped text (not empty)."""
        if self.stripped is None:
            self.stripped = self.line.strip()
        q = self.stripped
        if not q or len(q) > len(value):
            return False
        known = self.seen.get((f, q))
        if known is not None:
            return known
        chars = self.chars.get(f)
        if chars is None:
            chars = self.chars[f] = set(value)
        at = self.cursor.get(f, 0)
        if not chars.issuperset(q):
            k = -1
        else:
            k = value.find(q, at)
            if k < 0:  # before the cursor, then: the line is not in page order, or not in the field
                k = value.find(q, 0, at + len(q) - 1)
        if k >= 0:
            self.cursor[f] = k
        self.seen[(f, q)] = k >= 0
        return k >= 0


def page_issues(text: str, found: list[Finding], lines: list[str], where: dict[str, int],
                values: dict[str, object], source: str, fixer: str | None) -> list[Issue]:
    """One warning per field and kind of finding, at the first one's line and column of the page.
    `text` is the page as decoded (before any fix), `lines` as parsed (after it)."""
    groups: dict[tuple[str, str], list[tuple[int, int, Finding]]] = {}
    fields = _Fields(where, values)
    for i, col, f in locate(text, found):
        field = fields.at(i + 1, lines[i], col)
        if field is not None:  # text that went to no field (dropped boilerplate) is not in the record
            groups.setdefault((field, f.kind), []).append((i, col, f))
    rid = values.get("id")
    out = []
    for (field, kind), hits in groups.items():
        code, message, expected, got = describe(kind, f"$.{field}", [f for _, _, f in hits], fixer)
        out.append(Issue(code, message, source, hits[0][0] + 1, hits[0][1], json_path=f"$.{field}",
                         expected=expected, got=got, record_id=rid if isinstance(rid, str) else None))
    return out


_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\n\x0b\x0c\r"  # ASCII text bytes


def line_facts(raw: bytes) -> tuple[bool, bool]:
    """(clean, plain) for the bytes of a line of JSON with no `\\u` escape (so they hold every
    character of its strings as is): clean when no string needs NFC or may hold mojibake or a bidi
    control (`record_issues` has nothing to do), plain when none holds a letter `specials` finds."""
    rest = raw.translate(None, _PLAIN)
    nonascii = rest.decode("utf-8")
    found = specials(nonascii)
    return nfc_inert(nonascii, found) and not suspicious(raw, rest), not found


def record_issues(record: dict[str, object], path: str, line: int, fix: bool) -> list[Issue]:
    """Warnings for the string fields of a record read from a record file (a line of JSON); with
    `fix`, repairs mojibake in place. Also puts every string field in NFC, like the parser's output.
    (`line_facts` tells from a line's bytes when there is nothing to do.)"""
    out = []
    rid = record.get("id")
    for key, value in record.items():
        if not isinstance(value, str) or (value.isascii() and not _ASCII_CONTROL.search(value)):
            continue
        value = record[key] = nfc(value)
        try:
            found = find(value) if suspicious(value.encode("utf-8")) else []
        except UnicodeEncodeError:  # a lone surrogate: record.invalid-unicode
            found = find(value)
        if not found:
            continue
        fixer = None
        if fix and any(f.kind == "mojibake" for f in found):
            fixer = fixer_name()
            record[key] = fix_mojibake(value)
        for kind in ("mojibake", "bidi", "control"):
            hits = [f for f in found if f.kind == kind]
            if hits:
                code, message, expected, got = describe(kind, f"$.{key}", hits, fixer)
                out.append(Issue(code, message, path, line, json_path=f"$.{key}", expected=expected, got=got,
                                 record_id=rid if isinstance(rid, str) else None))
    return out
