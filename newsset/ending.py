"""The end of a page: where the body ends (a paywall, the footer), and the signature and author bio
below it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from .boilerplate import (
    BLANK,
    FOOTER_HEADS,
    FOOTER_KEYS,
    PAYWALL_END,
    PAYWALL_GENERIC,
    PAYWALL_KEYS,
    PAYWALL_START,
    boiler_key,
    is_boilerplate,
)
from .lines import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    PERSON_NAME,
    PROSE_END,
    ROLE_WORDS,
    SENTENCE_END,
    TERMINAL,
    WIRE_AGENCIES,
    ends_in,
    is_when,
    mentions_name,
    name_words,
    placed_item,
)
from .page import FURNITURE_MAX, PageState, text_runs

__all__ = ["EndReader"]

_VIEW_MORE = frozenset(k for k in FOOTER_KEYS if k.startswith("view more"))
_MORE_HEAD = "you might also like"  # the template's second footer heading, under `Latest`
_BUTTON_WIDTH = 40  # characters in a line of a button or a price inside the paywall block, at most
_CARDS = 8  # paragraphs: teaser cards of one footer list, at most

_PRONOUNS = frozenset({"He", "She", "They", "His", "Her", "Their", "Ze", "Xe"})
_PRONOUN_WORDS = frozenset(map(str.lower, _PRONOUNS)) | {"him", "them"}  # (anywhere in a sentence)
_LONG_BIO = 6  # paragraphs: more under an author box is more of the page than a bio
# An address to write to, in a bio's last paragraph ("Story tips welcome at tips@example.org", "@annlee").
_CONTACT = re.compile(r"\w@[\w-]+\.\w|(?<![\w@])@\w{2,}")


# Words a newspaper's name ends with (`Daily Mail`, `Evening Standard`), or opens with.
_PAPER_LAST = frozenset({"times", "post", "herald", "telegraph", "mail", "express", "mirror", "star", "standard",
                         "observer", "guardian", "journal", "gazette", "chronicle", "record", "news", "tribune",
                         "independent", "sun", "metro", "economist", "spectator", "statesman", "inquirer", "courier",
                         "examiner", "bulletin", "review", "magazine", "weekly", "today"})
_PAPER_FIRST = frozenset({"daily", "sunday", "evening", "morning", "financial", "the"})


def _role_line(para: list[str]) -> bool:
    """A writer's role on a line of its own, under the site's signature (`Transport correspondent`)."""
    return len(para) == 1 and len(words := para[0].split()) <= 6 and not ends_in(para[0], PROSE_END) \
        and not ROLE_WORDS.isdisjoint(w.casefold().strip(",") for w in words)


def _person(name: str) -> bool:
    """A signature's name that may be a person's: two words or more, not a newspaper's name (a
    front-pages round-up ends `Metro, The Independent` or `Daily Mail, The Sun`)."""
    words = name.casefold().split()
    return len(words) > 1 and words[-1] not in _PAPER_LAST and words[0] not in _PAPER_FIRST


def _about(text: list[str], name: str) -> bool:
    """A paragraph under an author box that is about its writer: it names them, speaks of them (he,
    she, they, ...), or gives their address."""
    joined = " ".join(text)
    return mentions_name(text, name) or not _PRONOUN_WORDS.isdisjoint(joined.lower().split()) or \
        _CONTACT.search(joined) is not None


# What a page saves under the author's bio that is no more of it.
_AFTER_BIO = re.compile(r"(?:Correction|Clarification|Update|Editor['\u2019]s note)\b.{0,40}:"
                        r"|Comments are (?:closed|open)|Follow (?:The Week|us)\b.{0,20}\bon\b"
                        r"|(?:We|This (?:site|website)) uses? cookies", re.IGNORECASE)


# The author box's heading glued over its bio. (A "Follow her on X @handle" under it is the bio's own.)
_BIO_FURNITURE = re.compile(r"About the (?:author|writer):?", re.IGNORECASE)


class _Stop:
    """What `EndReader._signature_closing` gives when no paragraph above can be the signature either."""


_STOP = _Stop()


class EndReader(PageState):
    """Reads a page's end; a mixin of `newsset.parse._Page`."""

    def body_end(self, first: int) -> tuple[int, bool, int]:
        """Where the body stops: (end index, truncated?, index where the signature search starts)."""
        lines, keys = self.lines, self.keys
        n = len(lines)
        at = first
        if PAYWALL_START not in keys:  # (most pages: a scan in C, not an exception raised and caught)
            if PAYWALL_KEYS.isdisjoint(keys) or (i := self._headless_paywall(first)) is None:
                return self.footer_start(first), False, -1
            keys[i] = PAYWALL_START  # the block without its first line (a scraper that lost it): still the paywall
        try:
            while True:
                i = keys.index(PAYWALL_START, at)
                if self._paywall_at(i):  # (which looks at keys, not at runs)
                    break
                keys[i] = None  # a sentence that opens like the paywall: text
                at = i + 1
        except ValueError:  # no paywall: the body runs on to the signature or the footer
            if at > first:
                self.runs = text_runs(keys)
            return self.footer_start(first), False, -1
        else:
            if at > first:  # (once, not once a sentence: a page of thousands of them was quadratic)
                self.runs = text_runs(keys)
            self.where["truncated"] = i + 1
            j = i + 1
            stop = keys.index(PAYWALL_END, j, j + 15) if PAYWALL_END in keys[j:j + 15] else None
            if stop is not None:
                j = stop + 1
            else:
                while j < n and (not lines[j] or keys[j] in PAYWALL_KEYS):
                    j += 1
            return i, True, j

    def _headless_paywall(self, first: int) -> int | None:
        """The first line of a paywall block that lost its first line: a later line of the block
        with another of them in the next three text lines (one alone, "Cancel or pause at any
        time.", may be a promo's; two that prose may quote, that and "Already a subscriber?", are
        not enough either), at or after `first`."""
        keys = self.keys
        return next((i for i in range(first, len(keys)) if keys[i] in PAYWALL_KEYS and self._more_paywall(i)), None)

    def _more_paywall(self, i: int) -> bool:
        """A later line of the paywall block (not its first) in the three text lines under line i,
        one of the two a line the block alone has."""
        after = islice(filter(BLANK.__ne__, self.keys[i + 1:i + 12]), 3)
        key = self.keys[i]  # (a line the scraper wrapped has its key on both pieces: one line of the block)
        generic = key in PAYWALL_GENERIC
        return any(k in PAYWALL_KEYS and k != PAYWALL_START and k != key and not (generic and k in PAYWALL_GENERIC)
                   for k in after)

    def _paywall_at(self, i: int) -> bool:
        """Line i starts the paywall: one of its usual forms, or another ending of it ("To continue
        reading this article, subscribe ...") with more of the block in the next three text lines.
        A line of prose that opens the same way ("..., readers now need a day pass.") has none."""
        # (its usual forms, also with a button's icon: the record check's view)
        if is_boilerplate(self.lines[i]):
            return True
        last = self._start_pieces(i)
        if last > i and is_boilerplate(" ".join(self.lines[j].strip() for j in range(i, last + 1)
                                                if self.keys[j] == PAYWALL_START)):
            return True
        return self._block_goes_on(last)

    def _start_pieces(self, i: int) -> int:
        """The last line of the paywall's first line when a scraper wrapped it or saved it in pieces
        ("To continue" / "reading this article..."): each piece has the line's key (`wrapped_boilerplate`,
        `split_boilerplate`) though alone it is no paywall line; else i."""
        keys, lines = self.keys, self.lines
        if boiler_key(lines[i]) == PAYWALL_START:  # (a line of its own: the whole first line, or a sentence)
            return i
        last = i
        for j in range(i + 1, min(i + 6, len(keys))):
            if keys[j] == BLANK:
                continue
            if keys[j] != PAYWALL_START or boiler_key(lines[j]) == PAYWALL_START:
                break
            last = j
        return last

    def _block_goes_on(self, i: int) -> bool:
        """More of the paywall block in the three lines under line i that are not blank, with only
        boilerplate or one short line (a button's or a price's words) between; not the block's own
        first line (then line i is a sentence that opens the same way, above the block)."""
        keys, lines = self.keys, self.lines
        seen, other = 0, False
        for j in range(i + 1, min(i + 12, len(keys))):
            k = keys[j]
            if k == BLANK:
                continue
            if k == PAYWALL_START:
                return False
            if k in PAYWALL_KEYS:
                return True
            if k is None:
                if other or len(lines[j]) > _BUTTON_WIDTH:
                    return False
                other = True
            seen += 1
            if seen == 3:
                break
        return False

    def _furniture_under(self, mark: int) -> bool:
        """The text lines under a `View More` line could be furniture: no signature among them, and no
        two sentences (a copyright line may be one; a lone `View More` in the article, audit l35, has
        the rest of the text, the signature and the bio under it)."""
        sentences = 0
        for ln, key in zip(self.lines[mark + 1:], self.keys[mark + 1:]):
            text = ln.strip()
            if key is not None or not text:
                continue
            if self._sig(text):
                return False
            sentences += ends_in(text, SENTENCE_END)
            if sentences == 2:
                return False
        return True

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
        if last_mark is not None and max(map(len, lines[last_mark + 1:]), default=0) <= FURNITURE_MAX \
                and self._furniture_under(last_mark):
            end = last_mark + 1  # (paragraphs of text under it: an article that goes on, read as ever)
        below = False  # footer lines found under the scan (teasers above them may stand a blank line apart)
        more = False  # the template's `You might also like` among them, with no `Latest` of its own
        # (Other furniture under the footer, a cookie banner and its buttons, is passed over too.)
        while end > first and (not lines[end - 1] or keys[end - 1] is not None):
            below = below or keys[end - 1] in FOOTER_KEYS
            more = more or keys[end - 1] == _MORE_HEAD
            end -= 1
        # (A `Latest` in the footer below makes the one above the article's subheading: the template's
        # `Latest` tops the cards, its `You might also like` closes them.)
        latest = "latest" in keys[end:]
        more = more and not latest
        # Related-articles lists (short teaser lines) may follow "Latest" and "You might also like";
        # a heading followed by article text (paragraphs, sentences) is not a footer. A teaser may end
        # like a sentence ("…", ".", ":"): it still counts when a heading tops its run of lines.
        stop = -1  # -1: the scan ran out at first, so its result holds for this first only
        i = end - 1
        while i >= first:
            text = lines[i].strip()
            if keys[i] in FOOTER_HEADS:
                end = i
                below = True
            elif text and (len(text) > 150 or ends_in(text, SENTENCE_END) or self._sig(text)):
                head = self._list_head(i, first, below, more, latest)
                if head is None:
                    stop = i
                    break
                end = i = head
            i -= 1
        self._foot = (end, stop)
        return end

    def _list_head(self, i: int, first: int, loose: bool = False, more: bool = False,
                   latest: bool = False) -> int | None:
        """The footer heading atop the run of lines that holds line i, when every line between
        them is a short teaser (no paragraph break, not the site's own signature), else None. `loose`: footer lines
        lie below, so teasers may stand a blank line apart (one to a paragraph), when none of them
        reads as a sentence: paragraphs under a `Latest` subheading in the article stay its text.
        `more`: the template's `You might also like` lies below (the scan passed it); `latest`: so does
        its `Latest` (then a `Latest` over sentences up here is the article's subheading, not the footer's)."""
        lines, keys = self.lines, self.keys
        crossed = prose = False

        def sentence(text: str) -> bool:
            return ends_in(text, SENTENCE_END) and not self._sig(text)

        for j in range(i, first - 1, -1):
            if keys[j] in FOOTER_HEADS:  # (under the site's signature and bio, no heading tops article text)
                if not prose:
                    return j
                # Teaser cards that end like sentences (a headline and its summary, a card to a paragraph):
                # footer under the site's signature, or between the template's own two headings.
                top = self._top_head(j, first)
                if self._signed_above(top, first) or (loose and keys[top] == "latest" and not latest and (
                        keys[j] == _MORE_HEAD or more)):
                    return top
                return None
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

    def _top_head(self, j: int, first: int) -> int:
        """The highest footer heading above heading j with only teasers between them (short lines, a few
        cards' worth, none the site's own signature): where a footer of several lists starts."""
        top, paras, inside = j, 0, False
        for k in range(j - 1, first - 1, -1):
            text = self.lines[k].strip()
            if self.keys[k] in FOOTER_HEADS:
                top, inside = k, False
                continue
            if not text:
                inside = False
                continue
            if not inside:
                paras, inside = paras + 1, True
            if paras > _CARDS or len(text) > 150 or ((sig := self._sig(text)) and sig[1].startswith("The Week")):
                break
        return top

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

    def signature(self, tail: int, paywall: int = -1) -> tuple[str | None, str | None, str | None]:
        """Find `Name, Publication` and the bio after it; trims the body end when found. `tail`: where
        the page goes on under a paywall that starts at line `paywall` (-1 for both: no paywall)."""
        if tail >= 0:
            after = self._signature_after_paywall(tail)
            if after == (None, None, None) and (box := self._box_over_paywall(paywall)) is not None:
                return box
            return after
        # No paywall: the last paragraph, or the one before the last (then the last is the bio), or
        # the one before that when the bio has two paragraphs and names the author.
        end = self.footer_start(0)
        paras = self.paragraphs(0, end)
        for back in (1, 2, 3):
            if len(paras) < back + 1:
                break
            found = self._signature_closing(paras, back, end)
            if isinstance(found, _Stop):
                break
            if found is not None:
                return found
        if (found := self._bio_glued_under(paras, end)) is not None:
            return found
        if (found := self._signature_in_one_run(paras, end)) is not None:
            return found
        if (found := self._box_over_long_bio(paras, end)) is not None:
            return found
        return self._box_above_furniture(paras)

    def _box_over_paywall(self, paywall: int) -> tuple[str | None, str | None, str | None] | None:
        """The site's author box saved above the paywall (the block under the bio, not in the body):
        the box alone on its paragraph with one bio paragraph under it that names the writer, as the
        last paragraphs above the block, with body above them; or the box with its bio glued under it."""
        paras = self.paragraphs(0, paywall)
        # The box right above the block with its bio glued under it (audit n37); not the last of a
        # round-up's items, each `Name, Paper` over its summary (audit x37). (The box alone there is
        # left in the body: a shortlist's last item, a quote's attribution, look the same.)
        (s, e) = paras[-1] if paras else (0, 0)
        if len(paras) >= 2 and e - s > 1 and (glued := self._sig(self.lines[s])) is not None \
                and glued[1].startswith("The Week") and glued[0] and self._signs_above_bio(s, s + 1, e, paras[1:-1]) \
                and not any(self._sig(self.lines[ps]) for ps, _ in paras[1:-1]):
            return self._sig_at(s, paywall)
        if len(paras) < 4 or not self._own_box(paras[-2]):
            return None
        (s, _), (bio_s, bio_e) = paras[-2], paras[-1]
        sig = self._sig(self.lines[s])
        if sig is None or not mentions_name(self.lines[bio_s:bio_e], sig[0]):
            return None
        return self._sig_at(s, paywall)

    def _signature_after_paywall(self, tail: int) -> tuple[str | None, str | None, str | None]:
        """After a paywall: the signature is the site's own, or a line where one sits."""
        lines = self.lines
        end = self.footer_start(tail)
        found = [(i, sig) for i in range(tail, end) if lines[i] and (sig := self._sig(lines[i]))]
        first = next((i for i in range(tail, end) if lines[i]), None)
        pick = next((i for i, sig in found if sig[1].startswith("The Week")), None)
        if pick is None:  # right under the paywall, or a publication named the usual way, or a bio naming it
            pick = next((i for i, sig in found if i == first or sig[1].startswith("The ") or sig[1] in WIRE_AGENCIES
                         or mentions_name(lines[i + 1:i + 3], sig[0])), None)
        return self._sig_at(pick, end) if pick is not None else (None, None, None)

    def _signature_closing(self, paras: list[tuple[int, int]], back: int, end: int
                           ) -> tuple[str | None, str | None, str | None] | _Stop | None:
        """The signature closing paragraph `back` from the end (its bio below it), None when that
        paragraph does not end in one, `_STOP` when what it ends in is no signature and none
        above it can be either (an item of a list, an attribution)."""
        lines = self.lines
        s, e = paras[-back]
        # The signature is its own paragraph, or the last line of the last body paragraph;
        # either way some body must stay above it (paras[0] holds the header).
        has_body = len(paras) > back + 1 or (e - s > 1 and len(paras) > back) or (
            back < 3 and self._own_box((s, e)))  # (with nothing above it, a page of no article: refused)
        sig = self._sig(lines[e - 1]) if has_body else None
        if sig is not None and not sig[0] and e - s == 2 and self._split_name(lines[s].strip()):
            sig = lines[s].strip(), sig[1]  # the site's box saved in two, `Name` over `, The Week UK` (audit t36)
        if sig is not None:
            # In a list of `Name, X` lines (letters, quotes, a round-up of columns, books by
            # their authors, where to watch or stay) the last item is no signature: a signature
            # with no bio must name a publication the usual way ("The ...", and on a line of its
            # own), a bio must name its author, and after other `Name, X` items only the site's
            # own signature (`Name, The Week ...`) counts.
            # Closing a paragraph (its last line), only the site's own signs: "Name, Place" or a
            # quotation's "Name, Paper" there is text.
            bio_s, bio_e = paras[-back + 1] if back > 1 else (0, 0)
            if back == 1:  # (with no bio, another paper's signature needs a person's name: `Metro, The
                plain = sig[1].startswith("The Week") or (e - s == 1 and (  # Independent` is a list's item)
                    sig[1].startswith("The ") or sig[1] in WIRE_AGENCIES) and not self._named_above(sig[0], paras[-2])
                    and _person(sig[0]))
            else:  # (the site's box over a bio of two paragraphs that speak of the writer: "... she has ...",
                #      or over the writer's role and a bio that names them)
                plain = mentions_name(lines[bio_s:bio_e], sig[0]) or (back == 3 and self._own_box((s, e)) and (all(
                    ends_in(lines[pe - 1], PROSE_END) and _about(lines[ps:pe], sig[0]) for ps, pe in paras[-2:])
                    or _role_line(lines[bio_s:bio_e]) and mentions_name(lines[paras[-1][0]:paras[-1][1]], sig[0])))
            boxed = back == 3 and self._own_box((s, e)) and any(lines[end:])  # (a footer under its bio)
            if (e - s > 1 and not sig[1].startswith("The Week")) or (not plain and back != 2 and not boxed):
                return _STOP
            if back == 1 and not sig[1].startswith("The Week") and (
                    self._quotation(paras[-2]) or lines[paras[-2][1] - 1].rstrip()[-1:] in (":", "\uff1a")):
                # under a paragraph that is all quotation, "Name, The Guardian" is its attribution; under
                # one that ends with a colon ("Further reading:"), an item it introduces ("Name, The Book")
                return _STOP
            # (Author boxes above, the site's signature alone on its paragraph, are co-authors.)
            if not (plain and sig[1].startswith("The Week")):
                site_box = e - s == 1 and sig[1].startswith("The Week")
                if any((o := self._sig(lines[pe - 1]) or placed_item(lines[pe - 1]))
                       and not self._own_box((ps, pe)) and (not site_box or o[1].startswith("The Week"))
                       for ps, pe in paras[1:-back]):
                    return _STOP  # (the items of a list above it: `Name, Paper`, a letter's `Name, Town, County`)
            elif any(pe - ps > 1 and "The Week" in lines[pe - 1] and (other := self._sig(lines[pe - 1]))
                     and other[1].startswith("The Week") for ps, pe in paras[1:-back]):
                return _STOP  # the site's signature closing other paragraphs too: a round-up's attributions
            # Another author's box above this one (a co-written article): the block starts there.
            k = len(paras) - back
            while e - s == 1 and sig[1].startswith("The Week"):  # (its bio: none, or one or two paragraphs)
                gap = next((g for g in (1, 2, 3) if k - g >= 2 and self._own_box(paras[k - g])), 0)
                if not gap or any(self._own_box(p) for p in paras[k - gap + 1:k]):
                    break
                k -= gap
            return self._sig_at(paras[k][0] if k < len(paras) - back else e - 1, end)
        return None

    def _bio_glued_under(self, paras: list[tuple[int, int]], end: int
                         ) -> tuple[str | None, str | None, str | None] | None:
        """The signature with its bio right under it, no blank line (and a second bio paragraph)."""
        for back in (1, 2):
            if len(paras) > back + 1 and paras[-back][1] - paras[-back][0] > 1:
                s, e = paras[-back]
                others = paras[1:len(paras) - back] + paras[len(paras) - back + 1:]  # (below it too)
                if self._signs_above_bio(s, s + 1, e, others):
                    return self._sig_at(s, end)
        return None

    def _signature_in_one_run(self, paras: list[tuple[int, int]], end: int
                              ) -> tuple[str | None, str | None, str | None] | None:
        """A page without blank lines: body, signature and bio in one run (the bio of a line, or of
        a few short ones wrapped, that names its writer)."""
        lines = self.lines
        if paras:
            s, e = paras[-1]
            for below in range(1, 5):
                i = e - 1 - below
                if i <= s or (below > 1 and max(map(len, lines[i + 1:e])) > 100):
                    break
                sig = self._sig(lines[i])
                if sig is None or any(self._sig(lines[k]) for k in range(i + 1, e)):
                    continue
                if (below == 1 or mentions_name(lines[i + 1:e], sig[0])) and self._signs_above_bio(
                        i, i + 1, e, paras[1:-1], range(s, i)):
                    return self._sig_at(i, end)
        return None

    def _box_over_long_bio(self, paras: list[tuple[int, int]], end: int
                           ) -> tuple[str | None, str | None, str | None] | None:
        """The site's author box over a bio of three or more paragraphs, more than `signature` looks
        at: the box alone on its paragraph, the paragraph under it naming the author, and each one
        under that about them too (naming them, or with he, she or they in it), a sentence, down to
        the footer; the only such box on the page."""
        boxes = [k for k in range(2, len(paras) - 3) if self._own_box(paras[k])]
        if len(boxes) != 1 or len(paras) - boxes[0] - 1 > _LONG_BIO:
            return None
        k = boxes[0]
        s, _ = paras[k]
        name = self._sig(self.lines[s])
        if name is None or not name[0] or not mentions_name(self.lines[paras[k + 1][0]:paras[k + 1][1]], name[0]):
            return None
        for ps, pe in paras[k + 2:]:
            text = self.lines[ps:pe]
            if not ends_in(text[-1], PROSE_END) or _AFTER_BIO.match(text[0].strip()) or not _about(text, name[0]):
                return None
        return self._sig_at(s, end)

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
        if name is None or not mentions_name(self.lines[bio_s:bio_e], name[0]):
            return None, None, None
        for ps, pe in paras[1:k] + paras[k + 2:]:
            for line in {self.lines[ps], self.lines[pe - 1]}:
                if "The Week" in line and (other := self._sig(line)) and other[1].startswith("The Week"):
                    return None, None, None
        # Nor one between a round-up's items, `Name, Paper` lines of their own above and under it (audit
        # l35: the site's writer quoted among others; what lies under is the round-up's, not furniture).
        items = [ps for ps, pe in paras[1:] if pe - ps == 1 and self._sig(self.lines[ps]) is not None]
        if items[0] < s < items[-1]:  # (the box itself is one of them)
            return None, None, None
        for ps, pe in paras[k + 2:]:  # (more of the bio: a paragraph that names the writer, opens "She ...", or
            text = self.lines[ps:pe]    # gives their address)
            if not (mentions_name(text, name[0]) or text[0].split(None, 1)[0] in _PRONOUNS or _CONTACT.search(
                    " ".join(text))):
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
        return not listed and (site or mentions_name(lines[bio_s:bio_e], sig[0]))

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
        named: set[str | None] = {sig[0]}  # (sets for membership: a page of thousands of boxes stays linear)
        kept: set[str] = set()
        for s, e in self.paragraphs(i + 1, end):
            if self._own_box((s, e)):
                other = self._sig(self.lines[s])
                if other is not None and other[0] not in named:
                    names.append(other[0])
                    named.add(other[0])
                continue
            if e - s > 1 and not ends_in(self.lines[s], TERMINAL) and all(
                    len(ln) <= 80 and not ends_in(ln, PROSE_END) for ln in self.lines[s:e]) \
                    and not mentions_name(self.lines[s:s + 1], sig[0]):
                break  # (a role over a bio sentence is no list: its sentence ends as prose does; nor is
                #        a bio whose first line names the author, however its lines end)
            if _AFTER_BIO.match(first := self.lines[s].strip()) or is_when(first):
                break  # the page's, under the bio or in its place: a correction, a time label, "Comments are closed"
            if not bio:
                self.where["author_bio"] = s + 1
            para = "\n".join(ln for ln in self.lines[s:e] if not _BIO_FURNITURE.fullmatch(ln.strip())).strip()
            if para and para not in kept:  # (an author box the scraper saved twice)
                bio.append(para)
                kept.add(para)
        return " and ".join(n for n in names if n) or None, sig[1] or None, "\n\n".join(bio) or None

    @staticmethod
    def _split_name(text: str) -> bool:
        """A person's name alone on its line (the first part of an author box saved in two)."""
        return 0 < len(text) <= 60 and not ends_in(text, TERMINAL) and PERSON_NAME.match(text) is not None \
            and name_words(text) and " " in text

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
        return bool(first) and first in OPEN_QUOTES and last in CLOSE_QUOTES

    def _own_box(self, para: tuple[int, int]) -> bool:
        """A paragraph that is the site's own signature alone (`Name, The Week UK`): an author box."""
        s, e = para
        if e - s != 1:
            return False
        sig = self._sig(self.lines[s])
        return sig is not None and sig[1].startswith("The Week")
