"""The head of a page: the standfirst, the lead image block (alt, caption, credit) and the byline
labels (`By`, `published`), and where the body starts."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import compress, islice, repeat
from operator import is_

from .boilerplate import BLANK, FOOTER_KEYS, PAYWALL_KEYS
from .lines import (
    ABBREVIATED,
    BARE_WHEN,
    BY,
    JOINER,
    LABEL_OPENINGS,
    OPEN_QUOTES,
    PERSON_NAME,
    ROLE_LABEL,
    ROLE_WORDS,
    SENTENCE_END,
    TERMINAL,
    by_name_of,
    capital,
    credit_of,
    ends_in,
    is_bare_by,
    is_date_only,
    is_name,
    is_when,
    loose_credit,
    name_words,
    plain_label,
    sentence_words,
    timed,
    unmarked,
)
from .page import FURNITURE_MAX, PageState, text_runs

__all__ = ["HeadReader", "kicker", "tagged_kicker"]

_HEAD_SCAN = 12  # text lines (boilerplate takes no slot) after the header where image and byline blocks may be

_GALLERY_SCAN = 36  # more lines, through which labels are looked for under a gallery's image blocks

# The longest `By` line read as a byline: one name or two, or, over a time label, a list of several
# writers (`By A, B, C, D and E`, a round-up's five: about 90 characters).
_BY_MAX, _BY_MAX_LISTED = 80, 240
_KICKER_LINES = 2  # short lines the labels may sit under, below the image credit

_TEASER_OPENINGS = ("Related", "RELATED", "Read more", "Read next", "See also", "More:", "Read:", "Watch:", "Listen:")


def kicker(lines: list[str], below: str) -> bool:
    """The site's section labels above a standfirst (`Opinion`, `In Depth`, `Today's big question`,
    a breadcrumb `News` / `Politics`), over a paragraph that opens with a capital. (A catalogue,
    not a shape: a short first paragraph of a standfirst, "Plots are scarce", is text.)"""
    return 0 < len(lines) <= 3 and capital(below.strip().lstrip(_OPENING_QUOTES)) and all(
        " ".join(ln.replace("\u2019", "'").split()).casefold() in _SECTIONS for ln in lines)


def tagged_kicker(lines: list[str], below: str) -> bool:
    """A section's kicker and a topic tag under it (`Speed Reads` / `Rail strikes`) over a headline:
    the tag a few words, no sentence."""
    if len(lines) != 2 or not kicker(lines[:1], below):
        return False
    tag = lines[1].strip()
    return 0 < len(tag) <= 40 and len(tag.split()) <= 5 and tag[-1] not in ".!?:;," and not tag[0].islower()


_OPENING_QUOTES = "".join(OPEN_QUOTES)  # (a quoted headline or standfirst opens with a capital inside them)


# A caption with the site's credit, or another template's in brackets, at its end on the same line.
_GLUED_CREDIT = re.compile(r"(?P<caption>.*\S)\s+(?P<credit>\((?:image|photo|picture)(?: credits?)?:[^()]+\)"
                           r"|\(credits?:[^()]+\))\.?\s*$", re.IGNORECASE)  # (a stray full stop after it)
# ... its credit without the parentheses (`The pier at dawn Image credit: Getty`, as a tool that saves an
# element's text joins the caption's and the credit's), or wrapped by the scraper onto the next line
# (`The pier at dawn (Image credit: Kit` / `Marlowe / Getty)`).
_GLUED_BARE_CREDIT = re.compile(r"(?P<caption>.*\S)\s+(?P<credit>(?:image|photo|picture) credits?:\s*\S.*)$",
                                re.IGNORECASE)
_GLUED_OPEN_CREDIT = re.compile(r"(?P<caption>.*\S)\s+(?P<credit>\((?:image|photo|picture)(?: credits?)?:[^()]*)$",
                                re.IGNORECASE)
_CREDIT_TAIL = re.compile(r"[^()]{1,80}\)\.?\s*")
_BRACKETED_ALT = re.compile(r"\[[^\[\]]{3,300}\]")  # (pandoc's plain text: an image as `[its alt]`)
# A Markdown image with its caption after it (html2text's figure: `![alt](url) caption`), maybe wrapped.
_MD_FIGURE = re.compile(r"!\[(?P<alt>[^\[\]]{0,300})\]\(\S{0,300}?\)\s*(?P<caption>.*)", re.DOTALL)


def _markdown_figure(alt: str | None, caption: str | None) -> tuple[str | None, str | None]:
    """(alt, caption) of an image block that a Markdown scraper saved as `![alt](url) caption`: the
    alt from the brackets (the lines joined when the tool wrapped them), the caption without the
    markup; as found when it is no such figure."""
    m = _MD_FIGURE.fullmatch(" ".join(t for t in (alt, caption) if t))
    if m is None:
        return alt, caption
    return " ".join(m.group("alt").split()) or None, m.group("caption").strip() or None


# An item of a numbered or bulleted list.
# An obituary's standfirst: the years of a life (`1931\u20132025`, `1931 - 2025`), which holds no letter.
_LIFE_SPAN = re.compile(r"\s*\d{3,4}\s?[-\u2013\u2014]\s?\d{2,4}\s*")
# A picture agency's credit left alone under the header when the scraper lost the image's other lines
# (`Kevin Ames / Getty Images`, `AFP via Getty Images`): the image's credit, not the standfirst. Only the
# wire and picture agencies such credits name, last: a standfirst does not end on one after a slash.
_AGENCIES = r"(?:Getty Images|AFP|Reuters|AP Photo|AP|Alamy(?: Stock Photo)?|Shutterstock|PA Images|PA Wire|PA" \
            r"|EPA(?:-EFE)?|Bloomberg|Anadolu(?: Agency)?|NurPhoto|SOPA Images|LightRocket|Xinhua|Pool|Corbis" \
            r"|Sipa USA|Zuma Press)"
_BARE_CREDIT = re.compile(r"(?:[\w.'\u2019 -]{2,60}? ?/ ?)?" + _AGENCIES + r"(?: via " + _AGENCIES + r")?"
                          r"(?: ?/ ?" + _AGENCIES + r")*")
_LIST_ITEM = re.compile(r"(?:\d{1,3}[.)]|[-*\u2022\u00b7\u2013\u2014])\s")
# Words a line of a caption or a label does not end on unless the scraper wrapped it there.
_DANGLING = frozenset({"the", "a", "an", "of", "in", "on", "at", "from", "to", "and", "&", "for", "with", "by", "as",
                       "into", "near", "after", "before", "during", "outside", "inside", "its", "their", "his", "her"})


def _dangles(line: str) -> bool:
    """A line that stops mid-phrase: on a comma, or on a word such as `the`, `of` or `from`."""
    text = line.rstrip()
    return text[-1:] == "," or text.rpartition(" ")[2].lower() in _DANGLING


# The site's section names, as kickers and breadcrumbs print them.
_SECTIONS = frozenset({
    "opinion", "instant opinion", "in depth", "today's big question", "the explainer", "explainer", "briefing",
    "talking points", "the week recommends", "pick of the papers", "analysis", "feature", "features", "review",
    "reviews", "comment", "news", "world news", "uk news", "us news", "politics", "business", "money", "culture",
    "arts", "sport", "science", "tech", "travel", "food", "food & drink", "property", "health", "environment",
    "the week unwrapped", "podcast", "podcasts", "quiz", "cartoons", "puzzles", "crosswords", "the papers",
    "today's newspapers", "fact check", "the week's guide", "obituaries", "obituary", "books", "book review", "film",
    "films", "tv", "television", "theatre", "music", "art", "letters", "letters to the editor", "crossword",
    "crosswords and puzzles", "sudoku", "good news", "wellbeing", "personal finance", "motoring", "wine", "gardening",
    "fashion", "style", "education", "media", "history", "cartoon", "quizzes", "games", "world", "uk", "us",
    # (and what other news sites call theirs)
    "profile", "profiles", "interview", "interviews", "the long read", "long read", "long reads", "essay",
    "investigation", "investigations", "live", "breaking news", "exclusive", "q&a", "how to", "guide", "guides",
    "first person", "the big idea", "the big read", "big read", "dispatch", "dispatches", "spotlight",
    "in the spotlight", "in review", "speed reads", "speed read", "first look", "under the radar"})


class _Authors:
    """The author a label block names, as its lines are read: `By` lines, and names a line each."""

    __slots__ = ("comma", "joined", "name", "sep", "split")

    def __init__(self) -> None:
        self.name: str | None = None
        self.split = self.joined = False  # the name came from the line under a bare `By`; an `and` line followed it
        self.sep = " and "  # how the next name joins the ones before: `A, B and C`
        self.comma = -1  # where the last name joined with a comma starts its `, ` (an `and` before the last name)

    def by_line(self, more: str | None) -> None:
        """A `By` line's name; a second one names a co-author: "By A" / "By B" -> "A and B"."""
        if more:
            self.name = f"{self.name} and {more}" if self.name and more != self.name else more

    def take(self, t: str, above: str, nxt: str) -> bool:
        """Take a line glued under `above` when it is part of the names: "By" on a line of its own and
        the name on the next (a byline link split apart); more names a line each, `and` on its own
        line or not between them (two writers' links). False for any other line."""
        name = self.name
        if not name and not ROLE_LABEL.match(t) and not JOINER.match(t) and is_bare_by(above) and HeadReader._by_name(
                f"By {t}", nxt if is_when(nxt) else "", False):  # (between `By` and `published`: a list too)
            self.name, self.split = by_name_of(t), True
        elif JOINER.match(t) and (name or is_bare_by(above) or JOINER.match(above)):
            # (what joined two names; with the names' links dropped, all that is left of them)
            self.sep = ", " if t == "," and not (self.joined and self.sep == " and ") else " and "
            self.joined = bool(name)
        elif (self.split or self.joined) and not ROLE_LABEL.match(t) and not ROLE_LABEL.match(above) \
                and ROLE_WORDS.isdisjoint(t.lower().split()) and not t.startswith("The Week") \
                and HeadReader._by_name(f"By {t}", "", False) and (self.joined or (is_when(nxt) and " " in t)):
            # (not a contributor's name, under `contributions from`: never the author; nor the site)
            self.comma = len(name or "") if self.sep == ", " else -1
            self.name, self.joined, self.sep = f"{name}{self.sep}{by_name_of(t)}", False, " and "
        else:
            return False
        return True

    def result(self) -> str | None:
        """The names; a list's last name joins with `and` (`A` / `,` / `B`)."""
        if self.name and self.comma >= 0:
            return f"{self.name[:self.comma]} and {self.name[self.comma + 2:]}"
        return self.name


# Lower-case words that open a name (`van Gogh's ...`, `de Gaulle`): a caption may start with one.
_NAME_PARTICLES = frozenset(["van", "von", "de", "da", "di", "du", "del", "della", "der", "den", "dos", "das", "le",
                             "la", "al", "el", "bin", "ibn", "ter", "ten"])


class HeadReader(PageState):
    """Reads a page's head; a mixin of `newsset.parse._Page`."""

    def head(self, first: int, end: int) -> tuple[int, str | None, str | None, str | None, str | None, str | None]:
        """Standfirst, image block and byline: returns (body start, subtitle, alt, caption, credit, by-name)."""
        lines = self.lines
        nonblank = self._text_lines(first, end)
        if any(lines[i][:1] == "[" for i in nonblank[:4]) and self._bracketed_images(nonblank[:4]):
            nonblank = self._text_lines(first, end)
        # (Every credit line has its label's colon, or ©, in its first 20 characters: one look at those.)
        # Other templates' forms (`Photo: ...`, `© ...`) count with an alt or caption line right above.
        credit_i = credit_text = glued = None
        for i in nonblank:
            opening = lines[i].lstrip()[:20]
            if (":" in opening or "\u00a9" in opening) and (credit_text := credit_of(lines[i])) is not None \
                    and (not loose_credit(lines[i]) or (i > first and self.keys[i - 1] is None)):
                credit_i = i
                break
            if (lines[i][-1] == ")" or lines[i][-2:] == ").") and (m := _GLUED_CREDIT.match(lines[i])) is not None:
                # the caption and its credit on one line: `The pier at dawn (Image credit: Getty)`
                credit_i, credit_text, glued = i, credit_of(m.group("credit")), m.group("caption").strip()
                break
            if "redit" in lines[i] and (glued := self._glued_credit(i)) is not None:
                credit_i, credit_text, glued = i, glued[1], glued[0]
                nonblank = self._text_lines(first, end)  # (without the credit's wrapped tail)
                break
        if credit_i is not None and (not self._lead_image(first, credit_i, nonblank) or (
                loose_credit(lines[credit_i]) and not self.paragraphs(credit_i + 1, end))):
            credit_i = None  # an image in the body, or a last line (`© Reuters 2024`): text, as written
        if credit_i is not None and credit_i + 1 < end and self.keys[credit_i + 1] is None:
            # A credit line hard-wrapped by the scraper (`(Image credit: A / B /` over `C)`): its tail takes
            # no slot, nor opens the body.
            line, tail = lines[credit_i].strip(), lines[credit_i + 1].strip()
            if line.count("(") - line.count(")") == 1 and tail.count(")") - tail.count("(") == 1 \
                    and tail.endswith(")") and len(tail) <= 80 and (joined := credit_of(f"{line} {tail}")):
                credit_text = joined
                self.keys[credit_i + 1] = ""
                self.runs = text_runs(self.keys)
                nonblank = self._text_lines(first, end)
        by_i = self._byline(nonblank, credit_i)
        if credit_i is not None and loose_credit(lines[credit_i]) and not (
                by_i is not None and plain_label(lines[by_i[0]].strip())):
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
            credit = credit_text or None  # (`credit_of` of the line found above)
            self.where["image_credit"] = credit_i + 1
            block = self._image_lines(first, credit_i)
            if glued is not None:  # (the lines above: the alt, and a caption's first line glued on)
                block = block[-2:]
                if block:
                    alt = lines[block[0]].strip()
                    self.where["image_alt"] = block[0] + 1
                caption = " ".join([*(lines[i].strip() for i in block[1:]), glued])
                self.where["image_caption"] = (block[1] if len(block) > 1 else credit_i) + 1
            elif len(block) == 2 and self.alt_lines == 1 and self._wrapped_pair(block[0], block[1]):
                caption = f"{lines[block[0]].strip()} {lines[block[1]].strip()}"  # one caption, hard-wrapped
                self.where["image_caption"] = block[0] + 1
            elif len(block) >= 2:
                n = self.alt_lines  # (two for an alt the scraper wrapped)
                alt = " ".join(lines[i].strip() for i in block[:n])
                self.where["image_alt"] = block[0] + 1
                caption = " ".join(lines[i].strip() for i in block[n:])
                self.where["image_caption"] = block[n] + 1
            elif block:
                caption = lines[block[0]].strip()
                self.where["image_caption"] = block[0] + 1
            if (alt or caption or "")[:2] == "![":
                alt, caption = _markdown_figure(alt, caption)
            head_stop = block[0] if block else credit_i
            if by_i is None:
                start = credit_i + 1
            if self.lead and [lines[k] for s, e in self.lead for k in range(s, e)] == lines[head_stop:credit_i + 1]:
                self.lead = []  # the image block saved twice: the copy is no kicker
        if by_i is None and credit_i is None:
            start, subtitle, *_ = self._unmarked_head(first, end)
            subtitle, credit = self._credit_not_standfirst(subtitle)
            return start, subtitle, None, None, credit, None
        subtitle = self._standfirst(first, head_stop, credit_i is None and by_i is not None and by_i[0])
        if credit is None:
            subtitle, credit = self._credit_not_standfirst(subtitle)
        if by_name:
            self.where["author"] = by_i[0] + 1  # type: ignore[index]
        return start, subtitle, alt, caption, credit, by_name

    def _text_lines(self, first: int, end: int) -> list[int]:
        """The first text lines of the head (boilerplate does not count: promos between the parts take
        no slot), asked again when a step sets a line's key."""
        return list(islice(compress(range(first, end), map(is_, self.keys[first:end], repeat(None))), _HEAD_SCAN))

    def _bracketed_images(self, head: list[int]) -> bool:
        """Leave out an image that pandoc's plain text wrote as its alt in brackets (`[Volunteers at
        work]`, no caption or credit: audit u36), a paragraph of its own right over the byline's `By`
        line: it made the labels a sentence under two paragraphs, in the body. Returns whether any was."""
        found = False
        for n, i in enumerate(head[:-1]):
            line = self.lines[i]
            if line[:1] == "[" and line[-1:] == "]" and _BRACKETED_ALT.fullmatch(line) and self.keys[i - 1] == BLANK \
                    and self.keys[i + 1] == BLANK and BY.match(self.lines[head[n + 1]].strip()):
                self.keys[i] = ""
                found = True
        if found:
            self.runs = text_runs(self.keys)
        return found

    def _glued_credit(self, i: int) -> tuple[str, str] | None:
        """(caption, credit) of line i when it is a caption with its credit glued on in another form
        than `_GLUED_CREDIT`'s: without the parentheses, or wrapped onto the next line (whose key is then
        set: it takes no slot)."""
        line = self.lines[i]
        if (m := _GLUED_OPEN_CREDIT.match(line)) is not None:
            nxt = i + 1
            if nxt < len(self.lines) and self.keys[nxt] is None and _CREDIT_TAIL.fullmatch(self.lines[nxt]) \
                    and (credit := credit_of(f"{m.group('credit')} {self.lines[nxt].strip()}")):
                self.keys[nxt] = ""
                self.runs = text_runs(self.keys)
                return m.group("caption").strip(), credit
            return None
        if (m := _GLUED_BARE_CREDIT.match(line)) is not None and (credit := credit_of(m.group("credit"))):
            return m.group("caption").strip(), credit
        return None

    def _credit_not_standfirst(self, subtitle: str | None) -> tuple[str | None, str | None]:
        """(subtitle, credit) of a page with no credit line: an agency's credit alone where the
        standfirst stands is the image's credit."""
        if subtitle is not None and "\n" not in subtitle and _BARE_CREDIT.fullmatch(subtitle):
            self.where["image_credit"] = self.where.pop("subtitle")
            return None, subtitle
        return subtitle, None

    def _wrapped_pair(self, i: int, j: int) -> bool:
        """Lines i and j as one line the scraper hard-wrapped: on a page wrapped at a width (see
        `_wrap_width`), j opens with a word in lower case that would not have fitted on i, which ends
        on no full stop (a caption alone over its credit, `... the 'axis of resistance'` / `expands`:
        audit n37; not an alt over a caption, `van Gogh's ...` on a page of long lines)."""
        first, last = self.lines[i].rstrip(), self.lines[j].split(None, 1)
        # (the width from the lines under them: an alt longer than the page's lines was not wrapped, and
        # its caption may open in lower case, `van Gogh's ...`: audit x37)
        return bool(last) and last[0].islower() and last[0] not in _NAME_PARTICLES and not ends_in(
            first, SENTENCE_END) and (width := self._wrap_width(j + 1)) is not None and len(first) <= width < len(
            first) + 1 + len(last[0])

    def _image_lines(self, first: int, credit_i: int) -> list[int]:
        """The image block's alt and caption lines above the credit on line `credit_i` (one or two,
        or a caption the scraper wrapped), as line indexes."""
        lines = self.lines
        block: list[int] = []
        k = credit_i - 1
        while k >= first and (key := self.keys[k]) != BLANK and key not in PAYWALL_KEYS and key not in FOOTER_KEYS \
                and len(block) < 2:  # text lines only
            if key is None:  # (an image's URL, a promo or a lightbox's `Expand` among its lines takes no slot)
                block.insert(0, k)
            k -= 1
        # More lines glued on above, under a standfirst of its own: a caption the scraper saved
        # wrapped (a first paragraph glued on is the standfirst of a page without blank lines).
        wrapped = k >= first and self.keys[k] is None and len(block) == 2 \
            and lines[block[1]].lstrip()[:1].islower() and not ends_in(lines[block[0]], SENTENCE_END) \
            and len(self.paragraphs(first, k + 1)) > 1
        while wrapped and k >= first and self.keys[k] is None and len(block) < 4:
            block.insert(0, k)
            k -= 1
        self.alt_lines = 2 if wrapped and len(block) == 4 and lines[block[1]].lstrip()[:1].islower() else 1
        if len(block) == 1 and k > first and self.keys[k] == BLANK:  # (markdownify: `![alt](url)` on its own, then
            j = k                                                       #  blank lines, then the caption)
            while j > first and self.keys[j] == BLANK:
                j -= 1
            if self.keys[j] is None and lines[j].lstrip()[:2] == "![" and (j == first or self.keys[j - 1] is not None):
                return [j, *block]
        b0 = block[0] if block else first
        if (b0 - 1 >= first and "![" in lines[b0 - 1]) or (b0 - 2 >= first and "![" in lines[b0 - 2]):
            # a Markdown figure the tool wrapped over more lines: from its `![` line, glued on above
            top = next((j for j in (b0 - 1, b0 - 2) if j >= first and (self.keys[j] is not None
                                                                      or lines[j].lstrip()[:2] == "![")), None)
            if top is not None and self.keys[top] is None and all(self.keys[j] is None for j in range(top, b0)):
                block[0:0] = range(top, b0)
                return block
        # A caption broken mid-phrase ("... photographed from the" / "MV Glen Sannox last Tuesday", or a
        # lower-case second line) under the alt that opens the block (a blank line or the header above
        # it); the alt may be wrapped too, its second line opening in lower case ("... beside the old" /
        # "lifeboat station"). Or the alt alone wrapped, over a caption of one line.
        if not wrapped and len(block) == 2 and k >= first and self.keys[k] is None:
            top = k - 1 if lines[k].lstrip()[:1].islower() and k > first and self.keys[k - 1] is None else k
            opens = top == first or self.keys[top - 1] == BLANK
            if opens and not ends_in(lines[block[0]], SENTENCE_END) and (
                    lines[block[1]].lstrip()[:1].islower() or _dangles(lines[block[0]])):
                block[0:0] = range(top, k + 1)
                self.alt_lines, k = k + 1 - top, top - 1
            elif opens and top == k and lines[block[0]].lstrip()[:1].islower() \
                    and not lines[block[1]].lstrip()[:1].islower() and not ends_in(lines[k], SENTENCE_END):
                block.insert(0, k)
                self.alt_lines, k = 2, k - 1
        # The credit a blank line under the caption: the block's lines may be a blank line apart
        # too (a page saved with a blank line after every line). (A line a blank line above a
        # caption glued on its credit is not taken for the alt: a standfirst split at a link
        # leaves its second piece there.)
        while not block or (len(block) < 2 and block[0] < credit_i - 1):
            if not (k > first and self.keys[k] == BLANK):
                break
            while k - 1 > first and self.keys[k - 1] == BLANK:  # (two or more blank lines, as some tools
                k -= 1                                           #  save the elements of pretty-printed HTML)
            if (split := self._split_image_block(first, k, block)) is block:
                break
            block, k = split, split[0] - 1
        return block

    def _unmarked_head(self, first: int, end: int
                       ) -> tuple[int, str | None, str | None, str | None, str | None, str | None]:
        """`head` of a page with neither an image block nor byline labels: the first paragraph is a
        standfirst only if it reads like one (one line, no closing punctuation) and more text follows."""
        lines = self.lines
        paras = self.paragraphs(first, end)
        if len(paras) >= 3 and kicker(lines[paras[0][0]:paras[0][1]], lines[paras[1][0]]):
            first, paras = paras[1][0], paras[1:]  # a section's kicker over the standfirst: dropped
        text = lines[paras[0][0]].strip() if paras else ""
        # (A standfirst is words: not a live blog's `09:15`, a figure's `£4.2m`, a list's `1. Pack a bag`.)
        if len(paras) >= 2 and paras[0][1] - paras[0][0] == 1 and not ends_in(text, TERMINAL) \
                and (len(text.split()) >= 3 or _BARE_CREDIT.fullmatch(text)) and not _LIST_ITEM.match(text) \
                and text[:1] != "#":  # (a Markdown heading: the text's, audit u36)
            subtitle = text
            self.where["subtitle"] = paras[0][0] + 1
            return paras[0][1], subtitle, None, None, None, None
        return first, None, None, None, None, None

    def _standfirst(self, first: int, stop: int, labels: int | bool) -> str | None:
        """The standfirst: the paragraphs between the header and the image block or labels at `stop`
        (`labels`: the labels' line when they stand there with no image above them, else False)."""
        lines = self.lines
        standfirst = self.paragraphs(first, stop)
        if len(standfirst) == 2:  # (see `_over_standfirst`)
            (s0, e0), (s1, e1) = standfirst
            if kicker(lines[s0:e0], lines[s1]):
                standfirst = standfirst[1:]  # a section's label above the standfirst (glued on the labels or not)
            elif labels is not False and self._glued_on(e1, labels):
                standfirst = standfirst[:1]  # a lead video's title glued on the labels: its player's furniture
        if standfirst and not lines[standfirst[0][0]].lstrip()[:1].isalpha() and not any(
                c.isalpha() for s, e in standfirst for k in range(s, e) for c in lines[k]) \
                and not (len(standfirst) == 1 and _LIFE_SPAN.fullmatch(lines[standfirst[0][0]])):
            self.lead, standfirst = standfirst + self.lead, []  # a gallery's `1.`: no standfirst, body text
        if not standfirst:
            return None
        self.where["subtitle"] = standfirst[0][0] + 1
        return "\n\n".join("\n".join(lines[s:e]).strip() for s, e in standfirst) or None

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
        if len(paras) == 2 and kicker(self.lines[s0:e0], self.lines[s]):
            return block  # (a kicker over the standfirst)
        if any(len(self.lines[i]) > FURNITURE_MAX for i in range(s, e)):
            return block
        if e - s == 3 and not block:  # alt and caption, one of them hard-wrapped (audit n37); not a
            # paragraph of three wrapped lines, a second standfirst's or a caption's alone (audit x37)
            first, second = self._wrapped_pair(s, s + 1), self._wrapped_pair(s + 1, s + 2)
            if second and not first:
                return [*range(s, e)]
            if first and not second:
                self.alt_lines = 2
                return [*range(s, e)]
        if e - s > 2 - len(block):
            return block
        return [*range(s, e), *block]

    def _lead_image(self, first: int, credit_i: int, nonblank: list[int]) -> bool:
        """The lead image sits above the byline labels, below at most the standfirst (a longer
        standfirst counts when the labels follow the image): a credit under a label, or under
        two paragraphs with no label after it, is an image in the body."""
        lines = self.lines
        above = nonblank[:bisect_left(nonblank, credit_i)]
        opening = compress(above, map(str.startswith, map(str.lstrip, map(lines.__getitem__, above)),
                                      repeat(LABEL_OPENINGS)))
        after = nonblank[bisect_right(nonblank, credit_i):][:1]
        labels_follow = bool(after) and self._is_label_line(lines[after[0]].strip())
        if any(self._is_label_line(text := lines[i].strip()) and not (
                labels_follow and self._caption_by(i, credit_i, text)) for i in opening):
            return False
        if len(self.paragraphs(first, credit_i)) <= 2:
            return True
        return labels_follow

    def _caption_by(self, i: int, credit_i: int, text: str) -> bool:
        """`By NAME` as one of the image block's own lines, glued over its credit (a cartoon's caption
        naming its cartoonist, `By Lake Como`), with the labels under the credit: no byline."""
        return credit_i - 2 <= i < credit_i and all(self.lines[i:credit_i]) and not is_bare_by(text) \
            and not is_when(text)

    def _captions_image(self, i: int) -> bool:
        """`By NAME` glued over an image credit: the caption of a cartoon naming its cartoonist (labels
        come under the image, never over its credit)."""
        lines = self.lines
        opening = lines[i + 1][:20] if i + 1 < len(lines) else ""
        return (":" in opening or "\u00a9" in opening) and credit_of(lines[i + 1]) is not None

    def _is_label_line(self, text: str) -> bool:
        return text.startswith(LABEL_OPENINGS) and (is_bare_by(text) or is_when(text)
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
                                                   repeat(LABEL_OPENINGS)))
        for pos in look:
            i = cands[pos]
            text = lines[i].strip()
            is_label = False
            if text.startswith(LABEL_OPENINGS):  # as every label does
                nxt = lines[cands[pos + 1]].strip() if pos + 1 < len(cands) else ""
                after_image = credit_i is not None and pos == 0
                is_label = is_when(text) or is_bare_by(text) or (
                    self._by_name(text, nxt, after_image) and not self._captions_image(i))
            if not is_label:
                if credit_i is not None and (pos >= _KICKER_LINES or len(text) > 120 or ends_in(text, TERMINAL)):
                    break  # labels follow the image block directly (or lower down: see `_far_labels`)
                continue
            if credit_i is None and len(paras := self.paragraphs(cands[0], i)) > 1 and not (
                    len(paras) == 2 and self._plain_labels(cands, pos) and (
                        self._over_standfirst(paras, i) or is_bare_by(text))):
                return None  # no image: labels sit under the standfirst at most ("By Train" lower down is text)
            block = self._label_block(cands, pos)
            if block is not None:
                if credit_i is not None and not any(is_when(lines[k].strip()) for k in range(block[0], block[1])):
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
        return is_when(nxt) and plain_label(nxt) and (is_bare_by(text) or self._by_name(text, nxt, False))

    def _over_standfirst(self, paras: list[tuple[int, int]], i: int) -> bool:
        """On a page with no image credit, the labels under the standfirst and one more paragraph:
        glued on the labels (a lead video's title, `Watch: ...`, left by its player), or a section's
        kicker above the standfirst (`Opinion`, `In Depth`): either is dropped. See `head`."""
        (s0, e0), (s1, e1) = paras
        return self._glued_on(e1, i) or kicker(self.lines[s0:e0], self.lines[s1])

    def _glued_on(self, end: int, i: int) -> bool:
        """No blank line between a paragraph ending at `end` and line `i`: only furniture (a player's
        `0:00 / 2:31`) if anything."""
        return all(k not in (None, BLANK) for k in self.keys[end:i])

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
            if credit_of(text) is not None:
                sentences = 0  # (the line above was a caption: another image's block)
                continue
            if text[:2] in ("By", "BY") and cands[pos + 1] == i + 1:
                nxt = lines[i + 1].strip()
                # (a real time label: "published" alone or before a date, not "published in full.")
                if is_when(nxt) and plain_label(nxt) and (is_bare_by(text) or (
                        self._by_name(text, nxt, False) and name_words(by_name_of(text[2:].lstrip(": "))))):
                    # (and a name: "By Ann Kerr's count the report was" over "published on 3 May" is prose)
                    return pos
            if len(text) > 120 or text.startswith(_TEASER_OPENINGS):
                return None  # (a related story's card, with its own byline, is no kicker)
            sentences += ends_in(text, SENTENCE_END)
            if sentences > 1:
                return None
        return None

    def _label_block(self, cands: list[int], pos: int) -> tuple[int, int, str | None] | None:
        """The label block that starts with line `cands[pos]`: its lines, and the author they name."""
        lines = self.lines
        authors = _Authors()
        j = pos
        while j < len(cands):
            t = lines[cands[j]].strip()
            m = BY.match(t)
            bare = is_bare_by(t)
            nxt = lines[cands[j + 1]].strip() if j + 1 < len(cands) else ""
            gap = j > pos and cands[j] != cands[j - 1] + 1  # (a blank line above this one)
            if bare or (m and self._by_in_block(t, m.group(1), nxt, cands, j, pos, gap)):
                if m and not bare:
                    named = m.group(1)
                    if self._wrapped_on(named, cands, j):  # (its rest on the line under it: one name, or role)
                        j += 1
                        named = f"{named} {lines[cands[j]].strip()}"
                    authors.by_line(by_name_of(named))
            elif not self._time_in_block(t, cands, j, pos, gap):
                glued = j > pos and cands[j] == cands[j - 1] + 1
                above = lines[cands[j - 1]].strip() if j > pos else ""
                if not (glued and authors.take(t, above, nxt)) and not self._inside_labels(cands, j, pos):
                    break
            j += 1
        if j == pos:  # (the block holds its own first line, or there is none here)
            return None
        return cands[pos], cands[j - 1] + 1, authors.result()

    def _wrapped_on(self, named: str | None, cands: list[int], j: int) -> bool:
        """Whether the scraper wrapped the `By` line at `cands[j]` onto the line glued under it, with a
        time label glued under that: the line ends on a joiner (`..., Di Prior and` / `Ed Quinn`) or
        the rest is a role (`By Ann Lee, Transport and Environment` / `Correspondent`). (Two writers'
        names a line each, `By Ann Lee` / `Bob Stone`, are no wrap.)"""
        if not named or j + 2 >= len(cands) or cands[j + 2] != cands[j] + 2 or cands[j + 1] != cands[j] + 1:
            return False
        rest = self.lines[cands[j + 1]].strip()
        if len(rest) > 60 or not is_when(self.lines[cands[j + 2]].strip()) or rest.startswith(LABEL_OPENINGS):
            return False
        return _dangles(named) or ("," in named and not ROLE_WORDS.isdisjoint(rest.lower().split()))

    def _by_in_block(self, t: str, named: str | None, nxt: str, cands: list[int], j: int, pos: int, gap: bool) -> bool:
        """Whether a `By` line belongs to the block: its first line, or a co-author's. Glued under the
        labels it needs a name (`By Christmas, however, ...` is text); a blank line under them, its own
        time label right under it: else it opens the body (`By Friday evening the queues had reached`
        wrapped, a subheading `By The Numbers`)."""
        if j == pos:
            return True
        if not gap:
            return self._by_name(t, nxt, True) and is_name(by_name_of(named))
        return j + 1 < len(cands) and cands[j + 1] == cands[j] + 1 and is_when(nxt) and self._by_name(t, nxt, False)

    def _time_in_block(self, t: str, cands: list[int], j: int, pos: int, gap: bool) -> bool:
        """Whether the line is a time label of the block (not one that opens a live blog's entry below a
        blank line), or the date on the line under a bare `Published`."""
        if is_when(t):  # (a blank line above it: a time, not a sentence that opens with the word)
            return not (gap and (self._opens_text(cands, j) or not timed(t)))
        if not (j > pos and cands[j] == cands[j - 1] + 1):
            return False
        above = self.lines[cands[j - 1]].strip()
        # (or the rest of a time label the scraper wrapped: `... last updated 5 March 2025 at` / `10:15 GMT`)
        return (above.lower() in BARE_WHEN or _dangles(above) and is_when(above)) and is_date_only(t)

    def _opens_text(self, cands: list[int], j: int) -> bool:
        """Whether the time label at `cands[j]` opens a paragraph: text on the line right under it
        that is no label and no bare label's date (a live blog's `Updated 14:32 BST` over its entry,
        a blank line under the byline's labels)."""
        if j + 1 >= len(cands) or cands[j + 1] != cands[j] + 1:
            return False
        t, nxt = self.lines[cands[j]].strip(), self.lines[cands[j + 1]].strip()
        if BY.match(nxt) and j + 2 < len(cands) and cands[j + 2] == cands[j + 1] + 1:
            # (an entry's own byline between its time stamp and its text: `Updated 14:02` / `By Li Wei` / text)
            after = self.lines[cands[j + 2]].strip()
            return not (is_when(after) or BY.match(after)) and ends_in(after, SENTENCE_END)
        return not (is_when(nxt) or BY.match(nxt) or (t.lower() in BARE_WHEN and is_date_only(nxt)))

    def _inside_labels(self, cands: list[int], j: int, pos: int) -> bool:
        """A short line between two label lines of one block, not a sentence: the author's role on
        a line of its own, or the template's text between the name and the time label; a
        contributor's line ("contributions from" and its name) may take two lines."""
        lines = self.lines
        if not (pos < j and cands[j - 1] + 1 == cands[j]):
            return False
        for k in range(j, min(j + 2, len(cands) - 1)):
            text = lines[cands[k]].strip()
            if cands[k] + 1 != cands[k + 1] or len(text) > 60 or ends_in(text, TERMINAL) or not (
                    capital(text) or ROLE_LABEL.match(text) or not ROLE_WORDS.isdisjoint(text.lower().split())):
                return False
            if is_when(lines[cands[k + 1]].strip()):
                return k == j or ROLE_LABEL.match(lines[cands[j]].strip()) is not None
        return False

    @staticmethod
    def _by_name(text: str, nxt: str, after_image: bool) -> bool:
        """`By NAME` is a label next to `published`, right after the image block, or when NAME is name-shaped."""
        m = BY.match(text)
        if not m or len(unmarked(text) if "](" in text or "<" in text else text) > (  # (links' URLs aside)
                _BY_MAX_LISTED if is_when(nxt) else _BY_MAX):
            return False
        name = by_name_of(m.group(1))
        if ends_in(name[-2:], TERMINAL) and not ABBREVIATED.search(name):
            return False  # "By dawn, the queue stretched around the block." (but "By Jane Doe Jr.")
        if name != (rest := (m.group(1) or "").strip()) and ends_in(rest[-2:], TERMINAL) \
                and not ABBREVIATED.search(rest) and not is_when(nxt):
            return False  # ("By Tuesday evening, crowds had gathered in Krakow.": no place cut off a name)
        if text[1] == "Y":  # upper-case labels (CSS text-transform): "BY THE NUMBERS" has a name's shape
            return is_when(nxt)
        if after_image:  # any name that opens like one: not "By 2030, ...", not "By the numbers", and one
            # word of Latin letters only beside a time label ("By Air", a travel subheading, is no name)
            return capital(name) and (" " in name or not name.isascii() or is_when(nxt))
        if is_when(nxt) and not sentence_words(name):  # (`By 2034 the sea walls ...` over one reads as a sentence)
            return True
        return bool(PERSON_NAME.match(name) and capital(name) and name_words(name))
