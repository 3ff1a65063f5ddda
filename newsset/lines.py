"""What one line of a page is: a header, an image credit, a byline or time label, a signature,
a person's name. Each test is a pure function of the line's text; `newsset.parse` puts them
together into the layout of a whole page."""

from __future__ import annotations

import html
import re

from .boilerplate import SIG_DROP_CHARS, ZERO_WIDTH_CHARS, unmarked

__all__ = ["ABBREVIATED", "BARE_WHEN", "BY", "CLOSE_QUOTES", "HEADER", "ISO_DATE", "JOINER", "LABEL_OPENINGS",
           "OPEN_QUOTES", "PERSON_NAME", "PROSE_END", "ROLE_LABEL", "ROLE_WORDS", "SECOND_HEADER", "SENTENCE_END",
           "SIG_DROP", "TERMINAL", "WIRE_AGENCIES", "by_name_of", "capital", "credit_of", "ends_in", "is_bare_by",
           "is_date_only", "is_name", "is_when", "line_signature", "loose_credit", "mentions_name", "name_words",
           "placed_item", "plain_label", "sentence_words", "timed", "unmarked"]

HEADER = re.compile(r"^\s*date(?:\s+(\S+))?(?:\s+(.*))?$", re.IGNORECASE)
# A second page's header, on a line of its own (after its BOM or invisible characters, when files that
# had one were joined); or run on after the footer's last line (the first file had no final newline).
_HEAD_AT = r"(?P<h>[Dd][Aa][Tt][Ee][ \t]+[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t]+\S)"
# (The lookahead, which the next character of either form passes, turns most newlines away at once.)
SECOND_HEADER = re.compile(f"\\n(?=[ \\t{ZERO_WIDTH_CHARS}DdV])"
                           f"(?:[ \\t{ZERO_WIDTH_CHARS}]*|View More(?: \u25b8)?[ \\t]*){_HEAD_AT}")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
BY = re.compile(r"^(?:By|BY)(?:\s*:)?(?:\s+(.+))?$")  # ("By: Jane Doe", as other templates write it)
_BARE_BY = frozenset({"By", "BY", "By:", "BY:"})  # the label alone: its name was a link the scraper left out
# The label with only what joined its lost names: "By  and", "By ,  and", "By  &".
_BARE_BY_RE = re.compile(r"^(?:By|BY)\s*:?(?:[\s,&]|\band\b)*$")


def is_bare_by(text: str) -> bool:
    return text in _BARE_BY or (text[:2] in ("By", "BY") and _BARE_BY_RE.match(text) is not None)


# What joined two writers' names, on a line of its own: `and`, `&`, `,` (`By` / `,` / `and` / `published`
# when the scraper dropped the names' links, `By` / `Ann Kerr` / `and` / `Li Wei` when it kept them).
JOINER = re.compile(r"^(?:,|&|and)(?:\s*(?:,|&|and\b))*$")


# A contributor's role on a line of its own inside the label block, in any case: "contributions from",
# "Additional reporting by", "Edited by", "with" (a name may follow on the line). Never an author name.
ROLE_LABEL = re.compile(r"^(?:[A-Za-z]+ ){0,3}?(?:by|from|with)(?:\s*:)?(?:\s+\S.*)?$", re.IGNORECASE)
_PUBLISHED = re.compile(r"^published(?:\s+.+)?$")  # the site's own label: anything may follow it
# Other forms of the time labels: "Published 3 May 2024", "Last updated: 10:15 BST", "Updated 2 hours ago".
_WHEN = re.compile(r"^(?:(?:first\s+)?published|(?:last\s+)?(?:updated|modified))(?:\s*:|\s+on)?(?:\s+(?P<when>.+))?$",
                   re.IGNORECASE)  # (`First published on ...`, `Last modified: ...`: other sites' words; not `Posted
#                                    at 09:15`, a live blog's entry)
_WHEN_OPENINGS = ("publish", "updated", "last updated", "first publ", "last modif", "modified")
# How label lines open, for a test in C before any regex: the site's forms and the usual cases of the others.
LABEL_OPENINGS = ("By", "BY", "published", "Published", "PUBLISHED", "updated", "Updated", "UPDATED", "last updated",
                  "Last updated", "Last Updated", "LAST UPDATED", "First published", "Last modified", "Modified")
# A role after the byline's name: "By Jane Doe, Foreign Correspondent".
_ROLE = re.compile(r"^[^\W\d_][\w&.'\u2019 -]{0,58}$")
# Inside a word of a name, besides letters: combining marks (Python's \\w has none: the vowel signs of
# Indic scripts, Thai, Hebrew and Arabic points), ZWNJ and ZWJ (part of Persian and Indic spelling), the
# non-breaking hyphen.
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
          "\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
          "\ufe20-\ufe2f\u200c\u200d\u2011")
# "Name, Publication": a short name of capitalised words (`&` may join two), then a short publication name.
# (In a name: `Marcel·la`, an ʻokina typed as `‘` in `Ka‘iulani`, a double-barrelled `Müller–Lüdenscheidt`.)
_NAME_CHARS = f".'\u2019\u2018\u00b7\u2013{_MARKS}-"
_SIGNATURE = re.compile(
    rf"^(?P<name>[^\W\d_][\w{_NAME_CHARS}]*(?:\s+[\w&\"\u201c\u201d{_NAME_CHARS}]+){{0,9}}),\s+"
    rf"(?P<pub>(?:The\s+)?[^\W\d_][\w&.'\u2019{_MARKS}-]*(?:\s+[\w&.'\u2019{_MARKS}-]+){{0,4}})$")
# What `_SIGNATURE` can match: one comma (neither part holds one), and a publication of five words at
# most, six with its `The` (words: its runs of what \s does not match, as str.split() finds them).
_PUB_WORDS = 6
_LOOSE_COMMA = re.compile(r"\s*,\s*(?=The Week\b)")
_SIGNATURE_MAX = 200  # characters: eight words of a name and five of a publication are far shorter
# Invisible characters a signature may hold that spell nothing (zero-width space, soft hyphen, direction
# marks, BOM): dropped before it is read.
SIG_DROP = dict.fromkeys(map(ord, SIG_DROP_CHARS))
_SIG_DROP_RE = re.compile(f"[{SIG_DROP_CHARS}]")
PERSON_NAME = re.compile(rf"^[^\W\d_][\w.'\u2019{_MARKS}-]*(?:\s+[\w.'\u2019&{_MARKS}-]+){{0,6}}$")
ABBREVIATED = re.compile(r"(?:^|\s)[A-Z][a-z]{0,2}\.$")  # a name ending "Jr.", "Sr." or an initial
# Closing punctuation, in the scripts that write it otherwise too: the ideographic and full-width stops of
# Chinese and Japanese, the Devanagari danda, the Arabic question mark and the Urdu full stop; then any
# closing quotes and brackets (Chinese and Japanese corner brackets too).
_STOPS = "\u3002\uff0e\uff61\u0964\u0965\u06d4"
_CLOSERS = "\"'\u201d\u2019)]\u300d\u300f\uff09\u00bb"
TERMINAL = frozenset(f".!?:;\u2026{_STOPS}\uff01\uff1f\uff1a\uff1b\u061f")
# A line of prose, not a headline: related-article teasers end in "?" or "!" often, in "." hardly ever.
SENTENCE_END = frozenset(f".:;\u2026{_STOPS}\uff1a\uff1b")


def ends_in(text: str, marks: frozenset[str]) -> bool:
    """Whether the text ends with one of the marks, before any closing quotes and brackets (a string
    test: a regex anchored at the end tries every position of the line, four times slower)."""
    return text.rstrip(_CLOSERS)[-1:] in marks


def credit_of(line: str) -> str | None:
    """The credit of an image credit line ("" when it names none), None for any other line.
    ("(Image credit: ...)" as the site writes it; templates also drop the parentheses, or the
    closing one, or say "Photo credit". String tests, not a regex: ~0.3 us a line.)"""
    text = line.strip()
    opened = text[:1] == "("
    if opened:
        text = text[1:].lstrip()
    if text[:1] == "\u00a9":  # "© Agency / Photographer"
        text = text[1:]
    else:
        label = text[:16].lower()
        if label.startswith(_CREDIT_LABELS):
            colon = label.index(":")
            label = label[:colon + 1]
        elif not ((not label.isascii() or "  " in label or "\t" in label or " :" in label) and (
                colon := text.find(":", 0, 24)) > 0 and (  # spaced otherwise: `Image\xa0credit:` (audit v37)
                label := " ".join(text[:colon].lower().split()) + ":") in _LABEL_SET):
            return None
        if label in _BRACKETED_ONLY and not opened:
            return None  # (a bare "Credit:" or "Image:" only in parentheses: unbracketed, they open sentences)
        text = text[colon + 1:]
    if opened and ")" in text:
        # The credit ends at the parenthesis that closes the opening one (`Getty (left), AFP (right))`); after
        # it, a stray full stop may follow, but no more words: a line that runs on is no credit line.
        close = text.index(")")
        if "(" in text[:close]:  # (nested: walk to the one that closes the opening one)
            depth, close = 1, -1
            for k, c in enumerate(text):
                depth += (c == "(") - (c == ")")
                if depth == 0:
                    close = k
                    break
        if close >= 0:
            return None if text[close + 1:].strip(" \t.,;:") else text[:close].strip()
    elif text.endswith(")") and text.count("(") < text.count(")"):  # (its "(" lost: not "(right)"'s)
        text = text[:-1]
    return text.strip()


def plain_label(text: str) -> bool:
    """A label line no sentence could be: `By` with or without a name, or a time label alone or with
    a date (not "published in 2019 and then quietly shelved.")."""
    if text[:2] in ("By", "BY"):
        return True
    words = text.split(None, 1)
    return len(words) == 1 or is_date_only(words[1])


def loose_credit(line: str) -> bool:
    """A credit line in a form that also opens sentences (`Photo: ...`, `Picture: ...`, `© ...`):
    not the site's `(Image credit: ...)`, nor any form in brackets."""
    text = line.lstrip()
    return text[:1] != "(" and "redit" not in text[:16].lower()


# "Image credit:" as the site writes it, then other templates' labels (a bare "Credit:" or "Image:" bracketed only).
_BRACKETED_ONLY = frozenset({"credit:", "credits:", "image:", "images:"})
_CREDIT_LABELS = ("image credit:", "photo credit:", "picture credit:", "image credits:", "photo credits:",
                  "picture credits:", "photo:", "photograph:", "picture:", "illustration:", "photos:", "credit:",
                  "credits:", "image:", "images:")
_LABEL_SET = frozenset(_CREDIT_LABELS)


def line_signature(line: str) -> tuple[str, str] | None:
    if "," not in line or len(line) > _SIGNATURE_MAX:  # cheap: most lines are not signatures
        return None
    if line.lstrip()[:1] == "," and _NAMELESS.match(line):
        return "", line.strip()[1:].strip().rstrip(".")  # the site's box, its name (a link) dropped: no author
    if "&" in line and ";" in line:  # an entity the scraper left (`O&#8217;Donnell, The Week US`)
        line = html.unescape(line)
    if not line.isascii() and _SIG_DROP_RE.search(line):
        line = line.translate(SIG_DROP)
    line = line.strip()
    if (not line.isascii() or "  " in line or "\t" in line) and _ODD_SPACE.search(line):
        # `Jane Doe, The\xa0Week UK`: white space folded, as the record's fields fold it (audit v37)
        line = " ".join(line.split())
    if (line[:1] in _MARKUP_ENDS or line[-1:] in _MARKUP_ENDS or "](" in line) and "The Week" in line:
        # the site's own in the markup a scraper kept: `*Name, The Week UK*`, `<p>...</p>`, `[Name](url), ...`
        line = unmarked(line)
    if line[:1] in _DASHES and "The Week" in line:  # the site's own, set off with a dash: `— Jane Doe, The Week UK`
        line = line.lstrip(_DASHES + " \t")
    if line[-1:] == "." and "The Week" in line[-20:] and line.rpartition(",")[2].lstrip().startswith("The Week"):
        # (the site's own, with a full stop)
        line = line[:-1]
    if line.find(" by ", 0, 30) > 0 and (cut := _COMPILED_BY.match(line)) \
            and line.rpartition(",")[2].lstrip().startswith("The Week"):
        line = line[cut.end():]  # `Compiled by Jane Doe, The Week UK`: the site's own, with the role's words
    m = None
    if line.count(",") == 1 and len(line.partition(",")[2].split()) <= _PUB_WORDS:  # (else no match: the
        m = _SIGNATURE.match(line)  # regex would backtrack through a bio's sentence at length to find none)
        if m is None and "The Week" in line:  # the site's own, its comma spaced otherwise: "Name , The Week UK"
            m = _SIGNATURE.match(_LOOSE_COMMA.sub(", ", line))
    if m is None and line.count(",") > 1:
        return _listed_signature(line)
    if not m or ends_in(m.group("pub"), TERMINAL) or not capital(m.group("pub")):
        return None
    name = m.group("name")
    if not all(w[:1].isupper() for w in name.split()) and not name_words(name):  # (most names: the first test)
        return None
    if name[:3] in ("By ", "BY "):
        if not m.group("pub").startswith("The Week"):
            return None  # a byline with a role ("By Jane Doe, Foreign Editor"), not a signature
        name = name[3:].lstrip()  # the site's own, saved with its label: "By Jane Doe, The Week US"
    if " " not in name and name.lower() in ROLE_WORDS:
        return None  # a role, not a name ("Editor, The Week's newsletter" under the editor's name)
    pub = m.group("pub")
    if " " in pub and (cut := _JOINED_WHEN.search(pub)) is not None and is_when(pub[cut.start():].strip()):
        return None  # a byline with its time label (a related article's: `By Tom Roe, The Week UK Published`)
    if not pub.startswith("The Week") and ((pub[:4] != "The " and not ROLE_WORDS.isdisjoint(pub.lower().split()))
                                           or not ROLE_WORDS.isdisjoint(pub.split()) or any(map(str.isdigit, pub))):
        # `Jane Doe, Staff Writer`, `Ann Bell, The Observer's chief film critic`, `Ed Marr, The Courier editor
        # 1971-88`: a role or a description (a role word in lower case, a year), which names no publication
        return name, ""
    return name, pub


def placed_item(line: str) -> tuple[str, str] | None:
    """A letter's sign-off with its place in two parts (`Ann Bell, Harrogate, North Yorkshire`): an
    item of a list, as a `Name, Place` line is, though no signature."""
    if line.count(",") != 2 or len(line) > _SIGNATURE_MAX:
        return None
    head, _, last = line.strip().rpartition(",")
    return line_signature(head) if capital(last.strip()) and not ends_in(last, TERMINAL) else None


def _listed_signature(text: str) -> tuple[str, str] | None:
    """The site's own signature with more commas: `A, B and C, The Week US` (the names, as a `By`
    line gives them) or `Name, Role, The Week US` (the name; the role is left out)."""
    head, _, pub = text.rpartition(",")
    pub = pub.strip()
    if not pub.startswith("The Week") or line_signature(f"A, {pub}") is None:
        return None
    parts = [p.strip() for p in head.split(",")]
    if len(parts) == 2 and parts[1] in _SUFFIXES and line_signature(f"{parts[0]}, {pub}"):
        return f"{parts[0]} {parts[1]}", pub  # `Name, Jr., The Week US`
    if len(parts) == 2 and parts[1] and _HONOURS.issuperset(parts[1].split()) and line_signature(f"{parts[0]}, {pub}"):
        return parts[0], pub  # `Name, OBE, The Week UK`: the honour left out, as a role is
    if len(parts) == 2 and line_signature(f"{parts[0]}, {pub}") and _ROLE.match(parts[1]) \
            and not ROLE_WORDS.isdisjoint(parts[1].lower().split()):
        return parts[0], pub
    last = parts[-1]
    if last.startswith(("and ", "& ")) and len(parts) > 2:  # `A, B, and C` (the serial comma)
        last = last.split(None, 1)[1]
    elif " and " not in last and " & " not in last:
        return None
    if all(line_signature(f"{p}, {pub}") for p in [*parts[:-1], last]):
        return ", ".join(parts), pub
    return None


# Markdown and HTML markup a scraper may keep around a line (emphasis, a link, a heading's #, tags).
_MARKUP_ENDS = "*_<>#["


# The site's own signature with its name left out (a link the scraper dropped, as the byline's):
# `, The Week UK`.
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # white space other than single spaces
_NAMELESS = re.compile(r"^\s*,\s*The Week(?: UK| US)?\.?\s*$")
# The site's own signature with the writer's role before the name: "Compiled by Jane Doe, The Week UK".
# (Not `Additional reporting by ...`: a contributor credited above the signature, not a second author.)
_COMPILED_BY = re.compile(r"^(?:Compiled|Written|Words|Edited|Curated|Produced|Reported|[Rr]eporting)"
                          r" by\s+(?=\S)")
_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})  # after a name, set off by a comma in US style
_HONOURS = frozenset({"OBE", "MBE", "CBE", "KBE", "DBE", "CH", "KC", "QC", "FRS", "PhD", "MD"})


def mentions_name(bio: list[str], name: str) -> bool:
    """Whether a bio's lines mention any word of the name (not a particle such as `de`, `al-`)."""
    text = " ".join(bio)
    return any(w in text for w in name.split() if len(w) > 1 and w.lower() not in _NAME_PARTICLES
               and w not in _ARTICLES)


PROSE_END = frozenset(f".;:{_STOPS}\uff1a\uff1b")  # how a sentence ends (a headline may end with ?)
OPEN_QUOTES = frozenset("\u201c\"\u2018'\u00ab\u201e")
CLOSE_QUOTES = frozenset("\u201d\"\u2019'\u00bb\u201c")
_ARTICLES = frozenset({"The", "A", "An"})  # ("The Traitors, BBC One" over a line that names the show is no signature)
# Wire services, which sign a page with no bio: "Jane Doe, Reuters" (where "Royal Court Theatre, London" is text).
WIRE_AGENCIES = frozenset({"Reuters", "AP", "Associated Press", "AFP", "Agence France-Presse", "Bloomberg", "PA",
                           "PA Media", "Press Association", "dpa", "EFE", "ANSA", "ANP", "Kyodo", "Xinhua", "Yonhap",
                           "AAP", "Canadian Press", "UPI", "Bloomberg News"})


# Lower-case words that open a sentence after `By` (`By the numbers`, `By now`, `By far the ...`): never a name.
_BY_IDIOMS = frozenset({"the", "a", "an", "now", "then", "far", "all", "contrast", "comparison", "design", "default",
                        "law", "night", "day", "way", "some", "most", "many", "late", "early", "mid", "next", "last",
                        "this", "that", "these", "those", "which", "what", "how", "its", "their", "his", "her", "our",
                        "my", "your", "one", "two", "three", "tomorrow", "today", "tonight", "noon", "midnight"})


def sentence_words(name: str) -> bool:
    """Whether what follows `By` reads as a sentence, not a writer's name, even with a time label
    under it: it opens with a digit (`By 2034 the sea walls ...`) or a lower-case word of a
    sentence (`By the numbers: ...`), or holds a colon."""
    first = name.split(None, 1)[0] if name.strip() else ""
    return first[:1].isdigit() or first.rstrip(",:") in _BY_IDIOMS or ":" in name


def capital(word: str) -> bool:
    """Starts with a capital, or with a letter of a script without case (Chinese, Arabic, Hindi ...)."""
    first = word[:1]
    return first.isupper() or (first.isalpha() and not first.islower())


def name_words(name: str) -> bool:
    """Every word of a person's name is capitalised or a particle (`van`, `al-Sayed`, `d'Almeida`);
    `and` or `&` (`und`, `et`) may join two names."""
    words = name.split()
    return capital(words[0]) and all(
        capital(w) or (w[:1] in _NICK_QUOTES and w[-1:] in _NICK_QUOTES and capital(w[1:]))
        or _PARTICLE_SPLIT.split(w.lstrip("'\u2019"), 1)[0].lower() in _NAME_PARTICLES
        or (w in _AND and 0 < i < len(words) - 1) for i, w in enumerate(words))


_NICK_QUOTES = "\"\u201c\u201d"  # round a nickname: Ann “Nan” Lee
_AND = frozenset({"and", "&", "und", "et"})  # (Spanish `y`, Italian `e` and Catalan `i` are particles too)
_DASHES = "\u2014\u2013-"


def is_name(name: str) -> bool:
    return bool(name.split()) and name_words(name)


_NAME_PARTICLES = frozenset({"de", "da", "del", "della", "dell", "der", "den", "van", "von", "bin", "bint", "ibn", "i",
                             "al", "el", "la", "le", "du", "di", "do", "dos", "das", "d", "l", "ter", "ten", "te",
                             "zu", "y", "ap", "ab", "ferch", "bat", "ben", "wa", "los", "las", "binti", "binte",
                             "e", "af", "des", "delle", "dei", "degli", "t"})  # ("t": Dutch `'t Hooft`)
_PARTICLE_SPLIT = re.compile(r"[-'\u2019]")


def is_when(text: str) -> bool:
    """A time label: the site's `published` with anything after it; or another case of it, or
    `updated`, alone or before a short time holding a digit (not a sentence that opens with the word)."""
    if _PUBLISHED.match(text) is not None:
        # (but a sentence that opens with the word, run on past a few words to its full stop, is text:
        # `published reports in the press suggested otherwise.`; a label's date never ends in one)
        return not (ends_in(text, SENTENCE_END) and text.count(" ") >= 4 and not ABBREVIATED.search(text)
                    and not timed(f"updated {text[9:].strip().rstrip('.')}"))
    return timed(text)


def timed(text: str) -> bool:
    """A time label that says a time, or no more than its word: `is_when` but for the site's own
    `published` before any text (`published in 1999, the guide ...` is a sentence of the body)."""
    m = _WHEN.match(text) if text[:12].lower().startswith(_WHEN_OPENINGS) else None
    if m is None:
        return False
    when = m.group("when")
    if when is None:
        return True
    if len(when) > (120 if _JOINED_WHEN.search(when) else 60):  # (two labels on a line: twice the room)
        return False
    words = [w for w in _TIME_SPLIT.split(when) if w]
    # A clock time or date holds a digit; a relative one ends "ago", "now", "today" ("moments ago").
    return bool(words) and (any(c.isdigit() for c in when) or words[-1].lower() in _RELATIVE) \
        and all(map(_time_word, words))


_RELATIVE = frozenset({"ago", "now", "today", "yesterday"})
BARE_WHEN = frozenset({"published", "updated", "last updated", "published:", "updated:"})


def is_date_only(text: str) -> bool:
    """A date or time alone: the time label's value the scraper put on a line of its own."""
    return is_when(f"updated {text}")


_TIME_SPLIT = re.compile(r"[\s,():|@\u00b7\u2013\u2014]+")
_TIME_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thurs",
    "fri", "sat", "sun", "at", "on", "ago", "a", "an", "am", "pm", "a.m.", "p.m.", "hour", "hours", "hr", "hrs",
    "minute", "minutes", "min", "mins", "day", "days", "week", "weeks", "month", "months", "year", "years", "today",
    "yesterday", "just", "now", "noon", "midnight", "local", "time", "of", "the", "moments", "moment", "few",
    "seconds", "second", "secs", "about", "around", "over", "almost", "nearly", "less", "more", "than",
    # Months and the words around a date in French, German, Spanish, Italian and Portuguese (the same layout
    # with a page in another language: `published` / `2 juillet 2025`, `Published 3. März 2025, 14:05 Uhr`).
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre", "januar", "februar", "märz", "juni", "juli", "oktober", "dezember", "enero", "febrero", "marzo",
    "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "gennaio",
    "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre", "janeiro",
    "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "novembro", "dezembro", "le", "à",
    "um", "uhr", "de", "del", "el", "às", "alle", "ore", "1er",
    # A second label run on into the first one's line: `Published 6:00 a.m. ET | Updated 3:45 p.m. ET`.
    "published", "updated", "posted", "modified", "last", "first",
    "read"})  # (`Published 15 December 2024 · 4 min read`: the reading time run on)
_TIME_TOKEN = re.compile(r"[\d:./+\-]*\d[\d:./+\-]*(?:st|nd|rd|th|am|pm|h(?:\d{2})?|z|t[\d:.+\-]+z?)?|[A-Z]{1,5}"
                         r"|[A-Z]{2,5}[+\-]\d{1,2}(?::?\d{2})?", re.IGNORECASE)  # (a zone with an offset: GMT+1)


def _time_word(word: str) -> bool:
    """A word of a timestamp: a number, date or clock time, a month or weekday, a time zone ("BST")."""
    low = word.lower()
    if low in _TIME_WORDS or low.rstrip(".") in _TIME_WORDS:  # ("Sept.", "p.m.", "2024." ends a sentence-like label)
        return True
    word = word.rstrip(".") or word
    return _TIME_TOKEN.fullmatch(word) is not None and (any(c.isdigit() for c in word) or word.isupper())


def _without_role(name: str) -> str:
    """The name of `Jane Doe, Foreign Correspondent`, `Jane Doe | The Week US` or `Jane Doe — Staff
    Writer`: the part before the comma, bar or dash, when a short capitalised role (or publication)
    follows it."""
    for bar in (" | ", " \u00b7 ", " \u2022 ", " \u2014 ", " \u2013 ", " - "):
        if bar in name:
            who, _, role = name.partition(bar)
            if _ROLE.match(role.strip()) and capital(role.strip()) and who.strip():
                name = who.strip()
    head, comma, pub = name.rpartition(",")
    if comma and head.count(",") and pub.strip().startswith("The Week") and _ROLE.match(pub.strip()):
        name = head.strip()  # `A, B and C, The Week US`: the publication after the names
    parts = _AND_SPLIT.split(name)
    if len(parts) == 2 and all("," in p and not ROLE_WORDS.isdisjoint(p.partition(",")[2].lower().split())
                               for p in parts) and all((bare := _without_role(p)) != p and "," not in bare
                                                       for p in parts):
        return " and ".join(_without_role(p) for p in parts)  # `A, Role, and B, Role`: each name with its role
    who, comma, role = name.partition(",")
    role = role.strip()
    if (" and " in role or " & " in role) and ROLE_WORDS.isdisjoint(role.lower().split()):
        return name  # `Jane Doe, John Roe and Li Wei`: more authors, not a role
    return who.strip() if comma and role and _ROLE.match(role) and (
        capital(role) or not ROLE_WORDS.isdisjoint(role.lower().split())) else name


_AND_SPLIT = re.compile(r",?\s+(?:and|&)\s+")
ROLE_WORDS = frozenset({
    "editor", "correspondent", "reporter", "writer", "columnist", "contributor", "producer", "director", "chief",
    "head", "analyst", "staff", "critic", "commentator", "desk", "team", "bureau", "journalist", "officer",
    "manager", "secretary", "minister", "president", "professor", "fellow", "member", "author"})


def by_name_of(rest: str | None) -> str:
    """The author in what follows `By`: without a role after a comma, or a time label run on
    into the same line (`By Jane Doe published 3 May 2024`)."""
    name = (rest or "").strip()
    if "](" in name or "<" in name:  # `By [Jane Doe](https://...)`, `By <a href=...>Jane Doe</a>`
        name = unmarked(name)
    if "@" in name:  # contact details after the name (`Jane Doe | jd@herald.com`, `Jane Doe @janedoe`)
        pieces = _CONTACT_SPLIT.split(name)  # [part, separator, part, ...]
        kept = [" ".join(w for w in p.split() if "@" not in w) for p in pieces[::2]]
        name = "".join(k + sep for k, sep in zip(kept, [*pieces[1::2], ""]) if k).strip(_SEPARATORS) or name
    cut = _JOINED_WHEN.search(name)
    if cut is not None and is_when(name[cut.start():].strip()):
        name = name[:cut.start()].rstrip(_SEPARATORS)  # ("By Jane Doe · published ...", ", published")
    if (cut := _REPORTING.search(name)) is not None and cut.start():
        name = name[:cut.start()]  # ("By Jane Doe, with additional reporting by ...": a contributor, not the author)
    if " assignment" in name:  # ("By Jane Doe on assignment in Kyiv": where she is, not who)
        name = _ASSIGNMENT.sub("", name)
    if ";" in name and "&" not in name and (head := name.split(";", 1)[0].strip()):  # (`&#8217;` is no break)
        name = head  # ("By Jane Doe; photographs by ...", "; Transport Correspondent": a note or role after it)
    cut_date = True
    while cut_date:  # ("By Jane Doe · 20 October 2024", ", 4 March 2025, 10:32am": dates without their label)
        cut_date = False
        for sep in (" \u00b7 ", " | ", ", ", " \u2013 ", " \u2014 ", " - "):
            head, found, tail = name.rpartition(sep)
            if found and head.strip() and any(c.isdigit() for c in tail) and is_date_only(tail.strip()):
                name, cut_date = head.rstrip(_SEPARATORS), True
                break
    # `By Jane Doe (@janedoe)`, `By Jane Doe in Port Glasgow` (a tail takes two words or more after the name)
    if name.endswith(")") or (name.count(" ") > 1 and _TAIL_WORD.search(name)):
        # Each name without its place (`By A in X and B in Y`); one word after a place is a second
        # place, not a co-author (`in Tbilisi and Batumi`).
        parts = re.split(r"(\s+and\s+|\s+&\s+)", name)
        names: list[str] = []
        placed = False  # the part before lost a place
        for k in range(0, len(parts), 2):
            if placed and " " not in parts[k].strip():
                continue
            bare = _BY_TAIL.sub("", parts[k]) or parts[k]
            placed = bare != parts[k] and _TAIL_WORD.search(parts[k]) is not None
            names += [parts[k - 1], bare] if names else [bare]
        name = "".join(names)
    return _without_role(name)


# After the name: a handle, an agency or a note in brackets (`(@janedoe)`, `(Reuters)`); where the
# author wrote from (` in `, ` on `, ` from `, ` at ` and capitalised words, after a comma or not); or
# whom they wrote for (` for The Week`, `, special to The Week`).
_BY_TAIL = re.compile(r"\s*\([^()]{1,40}\)$|(?:(?<=\w)|,)\s+(?:in|on|from|at|for|special\s+to)\s+(?:the\s+)?"
                      r"[A-Z][\w.'\u2019-]*(?:\s+(?:(?:of|the|and|upon|on|de|la|le)\s+)?[A-Z][\w.'\u2019-]*){0,4}$")
_TAIL_WORD = re.compile(r"\s(?:in|on|from|at|for|to)\s")
_ASSIGNMENT = re.compile(r",?\s+(?:while\s+)?on\s+assignment\b(?=\s+(?:in|to|for|at)\s|\s*$)", re.IGNORECASE)


_SEPARATORS = " \t,;|\u00b7\u2022-\u2013\u2014"
_REPORTING = re.compile(r"[\s,;(]+(?:with\s+)?(?:additional\s+|extra\s+)?reporting\s+(?:by|from)\b", re.IGNORECASE)
_CONTACT_SPLIT = re.compile(r"(\s*[|,;\u00b7\u2022]\s*)")


_JOINED_WHEN = re.compile(r"\s(?:published|updated|last updated)\b", re.IGNORECASE)
