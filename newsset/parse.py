"""Raw scraped page -> `Article`, following ../shared/FORMAT.md.

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
import re
from pathlib import Path

from .errors import Issue, ParseError
from .records import Article, article_id

__all__ = ["decode_page", "is_boilerplate", "parse_bytes", "parse_file", "parse_text"]

# ---------------------------------------------------------------- boilerplate catalogue

_DASH_PAIRS = (("\u2013", "-"), ("\u2014", "-"), ("\u2019", "'"), ("\u2018", "'"))


def _norm(line: str) -> str:
    """Comparison key for boilerplate: quotes and dashes unified, spaces folded, case folded."""
    if not line.isascii():
        for fancy, plain in _DASH_PAIRS:  # str.translate with a dict costs ~5 us a line; this ~0.3
            if fancy in line:
                line = line.replace(fancy, plain)
    return " ".join(line.split()).casefold()


_PROMO = frozenset(_norm(s) for s in (
    "Subscribe to The Week",
    "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple perspectives.",
    "SUBSCRIBE & SAVE",
    "Sign up for The Week's Free Newsletters",
    "From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered "
    "directly to your inbox.",
    "Sign up",
    # The US site's wording of the same blocks.
    "Sign up for Today's Best Articles in your inbox",
    "A free daily email with the biggest news stories of the day - and the best features from TheWeek.com",
    "Subscribe to our newsletter",
    "Try 6 Free Issues",
))
_IMAGE_URL = re.compile(
    r"^https?://\S+?(\.(jpe?g|png|gif|webp|avif|svg)(\?\S*)?|futurecdn\.net/\S*)$", re.IGNORECASE)

_PAYWALL_START = _norm("To continue reading this article...")
_PAYWALL_END = _norm("Not sure which email you used for your subscription? Contact us")
_PAYWALL = frozenset(_norm(s) for s in (
    "To continue reading this article...",
    "Continue reading this article and get limited website access each month.",
    "Get unlimited website access, exclusive newsletters plus much more.",
    "Cancel or pause at any time.",
    "Already a subscriber to The Week?",
    "Already a subscriber?",
    "Not sure which email you used for your subscription? Contact us",
))
_FOOTER = frozenset(_norm(s) for s in ("Latest", "You might also like", "View More \u25b8", "View More"))


_BOILER = _PROMO | _PAYWALL | _FOOTER
_LONGEST = max(map(len, _BOILER)) + 40  # a longer line cannot be boilerplate: skip the regex work
_EXACT = {s: _norm(s) for s in (
    "Subscribe to The Week", "SUBSCRIBE & SAVE", "Sign up", "Sign up for The Week's Free Newsletters",
    "Sign up for The Week\u2019s Free Newsletters", "Latest", "You might also like", "View More \u25b8", "By",
    "published", "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple perspectives.",
    "From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered directly "
    "to your inbox.", "To continue reading this article...",
    "Continue reading this article and get limited website access each month.",
    "Get unlimited website access, exclusive newsletters plus much more.", "Cancel or pause at any time.",
    "Already a subscriber to The Week?", "Not sure which email you used for your subscription? Contact us")}


def _key(line: str) -> str:
    """`_norm(line)` for lines short enough to be boilerplate; exact known lines skip the regex."""
    if not line or (len(line) > _LONGEST and (not line[0].isspace() or len(line.lstrip()) > _LONGEST)):
        return ""
    known = _EXACT.get(line)
    return known if known is not None else _norm(line)


def is_boilerplate(line: str) -> bool:
    """True when a whole line is a known promotional, paywall or footer block."""
    return _is_boiler(_key(line), line)


def _is_boiler(key: str, line: str) -> bool:
    return key in _BOILER or bool(key and _IMAGE_URL.match(line.strip()))


# ---------------------------------------------------------------- line patterns

_HEADER = re.compile(r"^\s*date(?:\s+(\S+))?(?:\s+(.*))?$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CREDIT = re.compile(r"^\(\s*Image credit:\s*(.*?)\s*\)$", re.IGNORECASE)
_BY = re.compile(r"^By(?:\s+(.+))?$")
_PUBLISHED = re.compile(r"^published(?:\s+.+)?$")
# "Name, Publication": a short name of capitalised words, then a short publication name.
_SIGNATURE = re.compile(
    r"^(?P<name>[^\W\d_][\w.'\u2019-]*(?:\s+[\w.'\u2019-]+){0,5}),\s+"
    r"(?P<pub>(?:The\s+)?[A-Z][\w&.'\u2019-]*(?:\s+[\w&.'\u2019-]+){0,4})$")
_NAME = re.compile(r"^[^\W\d_][\w.'\u2019-]*(?:\s+[\w.'\u2019&-]+){0,6}$")
_TERMINAL = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEAD_SCAN = 12  # non-blank lines after the header in which image and byline blocks are looked for


def _signature(line: str) -> tuple[str, str] | None:
    m = _SIGNATURE.match(line.strip())
    if not m or _TERMINAL.search(m.group("pub")):
        return None
    name = m.group("name")
    if not all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in name.split()):
        return None
    return name, m.group("pub")


_NAME_PARTICLES = frozenset({"de", "da", "del", "der", "van", "von", "bin", "al", "la", "le", "du", "di", "dos"})


# ---------------------------------------------------------------- decoding

def _looks_utf16(raw: bytes) -> bool:
    """Mostly-ASCII UTF-16 without a BOM: NUL in nearly every even or every odd byte."""
    head = raw[:512]
    if len(head) < 8 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) >= 0.9 * len(even) or odd.count(0) >= 0.9 * len(odd)


def decode_page(raw: bytes, path: str = "<bytes>") -> str:
    """UTF-8 bytes -> text with `\\n` line ends and no BOM; refuses empty, binary and non-UTF-8 input."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(raw):
        raise ParseError(Issue("input.encoding", "expected UTF-8, got UTF-16 text (a UTF-16 byte-order mark or "
                               "every other byte NUL)", path, 1, 1, expected="UTF-8", got="UTF-16"))
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line = raw.count(b"\n", 0, at) + 1
        raise ParseError(Issue("input.binary", f"expected text, got a NUL byte at offset {at}", path, line,
                               expected="UTF-8 text", got="binary data"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise ParseError(Issue("input.encoding", f"expected UTF-8, got byte 0x{raw[e.start]:02x} that UTF-8 "
                               f"cannot decode (line {line}, column {column})", path, line, column,
                               expected="UTF-8", got=f"0x{raw[e.start]:02x}")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError(Issue("input.empty", "expected an article, got an empty file" if not text
                               else "expected an article, got only whitespace", path,
                               max(1, text.count("\n") + (0 if text.endswith("\n") else 1)) if text else 1))
    return text


# ---------------------------------------------------------------- parsing

def parse_file(path: str | Path, root: str | Path | None = None) -> Article:
    """Read and parse one page; `source` is the path relative to `root` (default: its folder)."""
    p = Path(path)
    source = p.relative_to(root).as_posix() if root is not None else p.name
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ParseError(Issue("input.unreadable", f"cannot read the file: {e.strerror or e}", source)) from None
    return parse_bytes(raw, source)


def parse_bytes(raw: bytes, source: str) -> Article:
    """Parse the raw bytes of one page (the sha256 is of these exact bytes)."""
    text = decode_page(raw, source)  # strict UTF-8: no lone surrogates can come out
    return _Page([ln.rstrip() for ln in text.split("\n")], source, False).parse(hashlib.sha256(raw).hexdigest())


def parse_text(text: str, source: str = "<text>", source_sha256: str | None = None) -> Article:
    """Parse one page's text. Raises `ParseError` with a located issue when it cannot."""
    if source_sha256 is None:
        source_sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.rstrip() for ln in text.split("\n")]
    return _Page(lines, source, not text.isascii() and bool(_SURROGATE.search(text))).parse(source_sha256)


class _Page:
    """Parsing state for one page; each method finds one part of the layout."""

    def __init__(self, lines: list[str], source: str, check_surrogates: bool = True) -> None:
        self.lines = lines
        self.check_surrogates = check_surrogates
        self.keys = [_key(ln) for ln in lines]
        self.boiler = [_is_boiler(k, ln) for k, ln in zip(self.keys, lines)]
        self.source = source
        self.where: dict[str, int] = {}
        self.sig_line: int | None = None

    def fail(self, code: str, message: str, index: int, expected: str | None = None,
             got: str | None = None) -> ParseError:
        return ParseError(Issue(code, message, self.source, index + 1, expected=expected, got=got))

    def parse(self, sha: str) -> Article:
        lines = self.lines
        h = next((i for i, ln in enumerate(lines) if ln.strip()), None)
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
        start, subtitle, alt, caption, credit, by_name = self.head(h + 1, end)
        body = self.body(start, end)
        if not body:
            raise self.fail("parse.missing-body", "expected at least one paragraph of article text after the "
                            "header, got none (only boilerplate or nothing)", min(start, len(lines) - 1),
                            expected="body paragraphs", got="none")
        return Article(
            id=article_id(date, title, body), date=date, title=title, subtitle=subtitle,
            author=by_name or author, publication=publication, author_bio=bio, image_alt=alt,
            image_caption=caption, image_credit=credit, body=body, truncated=truncated,
            source=self.source, source_sha256=sha, lines=self.where)

    def header(self, h: int) -> tuple[str, str]:
        line = self.lines[h]
        m = _HEADER.match(line)
        shown = line.strip()[:60]
        if not m:
            raise self.fail("parse.missing-header", f"expected a header `date YYYY-MM-DD Title`, got {shown!r}", h,
                            expected="date YYYY-MM-DD Title", got=shown)
        token, title = m.group(1) or "", (m.group(2) or "").strip()
        if not any(c.isdigit() for c in token):
            raise self.fail("parse.missing-header", f"expected a header `date YYYY-MM-DD Title`, got {shown!r}", h,
                            expected="date YYYY-MM-DD Title", got=shown)
        if not _ISO_DATE.match(token):
            raise self.fail("parse.malformed-header", f"expected a date as YYYY-MM-DD after `date`, got {token!r}",
                            h, expected="YYYY-MM-DD", got=token)
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

    def body_end(self, first: int) -> tuple[int, bool, int]:
        """Where the body stops: (end index, truncated?, index where the signature search starts)."""
        lines = self.lines
        n = len(lines)
        for i in range(first, n):
            if self.keys[i] == _PAYWALL_START:
                self.where["truncated"] = i + 1
                j = i + 1
                stop = next((k for k in range(j, min(n, j + 15)) if self.keys[k] == _PAYWALL_END), None)
                if stop is not None:
                    j = stop + 1
                else:
                    while j < n and (not lines[j].strip() or self.keys[j] in _PAYWALL):
                        j += 1
                return i, True, j
        # No paywall: the body runs on to the signature or the footer.
        foot = self.footer_start(first)
        return foot, False, -1

    def footer_start(self, first: int) -> int:
        lines = self.lines
        n = len(lines)
        end = n
        keys = self.keys
        while end > first and (not lines[end - 1].strip() or keys[end - 1] in _FOOTER):
            end -= 1
        # A related-articles list (short teaser lines, no sentences) may sit between "Latest"
        # and "You might also like"; a "Latest" line followed by article text is not a footer.
        for i in range(end - 1, first - 1, -1):
            text = lines[i].strip()
            if keys[i] == "latest":
                end = i
            elif text and (len(text) > 150 or _TERMINAL.search(text) or _signature(text)):
                break
        return end

    def signature(self, tail: int) -> tuple[str | None, str | None, str | None]:
        """Find `Name, Publication` and the bio after it; trims the body end when found."""
        lines = self.lines
        if tail >= 0:  # after a paywall: the signature is the first line that looks like one
            end = self.footer_start(tail)
            for i in range(tail, end):
                if lines[i].strip() and _signature(lines[i]):
                    return self._sig_at(i, end)
            return None, None, None
        # No paywall: the last paragraph, or the one before the last (then the last is the bio).
        end = self.footer_start(0)
        paras = self.paragraphs(0, end)
        for back in (1, 2):
            if len(paras) < back + 1:
                break
            s, e = paras[-back]
            # The signature is its own paragraph, or the last line of the last body paragraph;
            # either way some body must stay above it (paras[0] holds the header).
            has_body = len(paras) > back + 1 or (e - s > 1 and len(paras) > back)
            if has_body and _signature(lines[e - 1]):
                return self._sig_at(e - 1, end)
        return None, None, None

    def _sig_at(self, i: int, end: int) -> tuple[str | None, str | None, str | None]:
        sig = _signature(self.lines[i])
        assert sig is not None
        self.sig_line = i
        self.where.update(author=i + 1, publication=i + 1)
        bio = None
        for s, e in self.paragraphs(i + 1, end)[:1]:
            bio = "\n".join(self.lines[s:e]).strip() or None
            self.where["author_bio"] = s + 1
        return sig[0], sig[1], bio

    def head(self, first: int, end: int) -> tuple[int, str | None, str | None, str | None, str | None, str | None]:
        """Standfirst, image block and byline: returns (body start, subtitle, alt, caption, credit, by-name)."""
        lines = self.lines
        nonblank = [i for i in range(first, end) if lines[i].strip()][:_HEAD_SCAN]
        credit_i = next((i for i in nonblank if _CREDIT.match(lines[i].strip())), None)
        by_i = self._byline(nonblank, credit_i)
        alt = caption = credit = by_name = subtitle = None
        start = first
        head_stop = end
        if by_i is not None:
            b0, b1, by_name = by_i
            start = b1
            head_stop = b0
        if credit_i is not None and (by_i is None or credit_i < by_i[0]):
            credit = _CREDIT.match(lines[credit_i].strip()).group(1) or None  # type: ignore[union-attr]
            self.where["image_credit"] = credit_i + 1
            block: list[int] = []
            k = credit_i - 1
            while k >= first and lines[k].strip() and len(block) < 2:
                block.insert(0, k)
                k -= 1
            if len(block) == 2:
                alt = lines[block[0]].strip()
                self.where["image_alt"] = block[0] + 1
            if block:
                caption = lines[block[-1]].strip()
                self.where["image_caption"] = block[-1] + 1
            head_stop = block[0] if block else credit_i
            if by_i is None:
                start = credit_i + 1
        if by_i is None and credit_i is None:
            # No marker: the first paragraph is a standfirst only if it reads like one
            # (one line, no closing punctuation) and more text follows it.
            paras = self.paragraphs(first, end)
            if len(paras) >= 2 and paras[0][1] - paras[0][0] == 1 and not _TERMINAL.search(lines[paras[0][0]].strip()):
                subtitle = lines[paras[0][0]].strip()
                self.where["subtitle"] = paras[0][0] + 1
                return paras[0][1], subtitle, None, None, None, None
            return first, None, None, None, None, None
        standfirst = self.paragraphs(first, head_stop)
        if standfirst:
            s0 = standfirst[0][0]
            subtitle = "\n\n".join("\n".join(lines[s:e]).strip() for s, e in standfirst) or None
            self.where["subtitle"] = s0 + 1
        if by_name:
            self.where["author"] = by_i[0] + 1  # type: ignore[index]
        return start, subtitle, alt, caption, credit, by_name

    def _byline(self, nonblank: list[int], credit_i: int | None) -> tuple[int, int, str | None] | None:
        """The byline label block as (first index, index after it, author name or None)."""
        lines = self.lines
        cands = [i for i in nonblank if credit_i is None or i > credit_i]
        for pos, i in enumerate(cands):
            text = lines[i].strip()
            nxt = lines[cands[pos + 1]].strip() if pos + 1 < len(cands) else ""
            after_image = credit_i is not None and pos == 0
            is_label = _PUBLISHED.match(text) or text == "By" or self._by_name(text, nxt, after_image)
            if not is_label:
                if credit_i is not None:
                    return None  # labels follow the image block directly
                continue
            j, name = pos, None
            while j < len(cands):
                t = lines[cands[j]].strip()
                m = _BY.match(t)
                if t == "By" or (m and self._by_name(t, "", True)):
                    name = (m.group(1) or "").strip() if m else name
                elif not _PUBLISHED.match(t):
                    break
                j += 1
            last = cands[j - 1]
            return i, last + 1, name
        return None

    @staticmethod
    def _by_name(text: str, nxt: str, after_image: bool) -> bool:
        """`By NAME` is a label next to `published`, right after the image block, or when NAME is name-shaped."""
        m = _BY.match(text)
        if not m or len(text) > 80:
            return False
        name = (m.group(1) or "").strip()
        shaped = bool(_NAME.match(name)) and name[:1].isupper() and not _TERMINAL.search(name[-2:])
        return bool(_PUBLISHED.match(nxt) or after_image or shaped)

    def body(self, start: int, end: int) -> str:
        lines = self.lines
        paras: list[str] = []
        cur: list[str] = []
        first_line = None
        for i in range(start, end):
            ln = lines[i]
            if not ln.strip() or self.boiler[i]:
                if cur:
                    paras.append("\n".join(cur).strip())
                    cur = []
                continue
            if first_line is None:
                first_line = i
            cur.append(ln)
        if cur:
            paras.append("\n".join(cur).strip())
        if first_line is not None:
            self.where["body"] = first_line + 1
        return "\n\n".join(p for p in paras if p)

    def paragraphs(self, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) index pairs of the runs of non-blank, non-boilerplate lines."""
        lines, boiler = self.lines, self.boiler
        out: list[tuple[int, int]] = []
        s = None
        for i in range(start, end):
            keep = bool(lines[i].strip()) and not boiler[i]
            if keep and s is None:
                s = i
            elif not keep and s is not None:
                out.append((s, i))
                s = None
        if s is not None:
            out.append((s, end))
        return out
