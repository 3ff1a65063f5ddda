"""The site's boilerplate lines (promotional blocks, the paywall, the footer) and how a page line
is matched against them.

A line is boilerplate only when the *whole line* is a catalogue line, as templates write it:
quotes, dashes, spaces, case, HTML entities, zero-width characters and a button's icon aside
(`_norm`, `boiler_key`). Most lines are ruled out by their first or last character or their first
two words, before any normalisation: this runs on every line of every page.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["BLANK", "BUTTON", "FOOTER_HEADS", "FOOTER_KEYS", "INVISIBLE", "INVISIBLE_CHARS", "INVISIBLE_RE",
           "FOLLOW", "LINE_KEYS", "LOGO", "LONGEST", "PAYWALL_END", "PAYWALL_GENERIC", "PAYWALL_KEYS", "PAYWALL_START",
           "SIG_DROP_CHARS", "TAIL_HEADS", "ZERO_WIDTH_CHARS", "boiler_key", "continued_boilerplate", "indented_short",
           "is_boilerplate", "follow_lines", "logo_lines", "marked_boilerplate", "share_bars", "split_boilerplate",
           "unmarked", "wrapped_boilerplate"]

# Zero-width and direction marks: a line of only these (and white space) shows as blank.
INVISIBLE_CHARS = "\u200b\u2060\u200e\u200f\u061c\ufeff"  # (the BOM last: see decode_raw)
# What a signature may hold that spells nothing: those and the soft hyphen.
SIG_DROP_CHARS = INVISIBLE_CHARS + "\u00ad"
# All that does not change what a line says (ZWNJ and ZWJ too): left out of boilerplate keys.
ZERO_WIDTH_CHARS = SIG_DROP_CHARS + "\u200c\u200d"
_ZERO_WIDTH = dict.fromkeys(map(ord, ZERO_WIDTH_CHARS))
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH_CHARS}]")
INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))
_INVISIBLE_ANY = re.compile(f"[{INVISIBLE_CHARS}]")
INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS[:-1]}]")  # (one C call on the page's few non-ASCII characters)
BLANK = "\n"  # the key of a blank line: no line holds a newline, and no catalogue key is one

_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,60}>")
_MD_LINK = re.compile(r"\[([^\[\]]{1,80})\]\([^()\s]{0,300}\)")
_MD_IMAGE = re.compile(r"!\[[^\[\]]{0,300}\]\([^()\s]{0,300}\)")
_MD_EMPHASIS = re.compile(r"^(\*{1,3}|_{1,3})(.+?)\1$")
_MARKUP_START = frozenset("#*_<[!")
_MD_BARE_IMAGE = re.compile(r"!\[\s*\]\([^()\s]{1,300}\)")


def unmarked(line: str) -> str:
    """A line without the Markdown or HTML a scraper kept around it: `**By Ann Lee**`, `<p>...</p>`,
    `[Ann Lee](url)` (its text), a heading's `###`."""
    text = line.strip()
    if text[:1] not in "*_#" and "<" not in text and "[" not in text:  # (no markup: most lines, three regexes saved)
        return text
    return _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", _HTML_TAG.sub("", text))).lstrip("#").strip()


_DASH_PAIRS = (("\u2013", "-"), ("\u2014", "-"), ("\u2019", "'"), ("\u2018", "'"))


def _norm(line: str) -> str:
    """Comparison key for boilerplate: quotes and dashes unified, spaces folded, case folded."""
    if "&" in line and ";" in line:  # HTML entities the scraper left ("SUBSCRIBE &amp; SAVE", "Week&#8217;s")
        line = html.unescape(line)
    if not line.isascii():
        if _ZERO_WIDTH_RE.search(line):  # invisible characters the HTML left ("Subscribe to The Week\u200b")
            line = line.translate(_ZERO_WIDTH)
        for fancy, plain in _DASH_PAIRS:  # str.translate with a dict costs ~5 us a line; this ~0.3
            if fancy in line:
                line = line.replace(fancy, plain)
    return " ".join(line.split()).casefold()


_BOX_LINES = (  # the subscribe and newsletter boxes: `LOGO` lines head them
    "Subscribe to The Week",
    "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple perspectives.",
    "SUBSCRIBE & SAVE",
    "Subscribe and save",
    "Sign up for The Week's Free Newsletters",
    "From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered "
    "directly to your inbox.",
    "Sign up",
    # The US site's wording of the same blocks.
    "Sign up for Today's Best Articles in your inbox",
    "A free daily email with the biggest news stories of the day - and the best features from TheWeek.com",
    "Subscribe to our newsletter",
    "Try 6 Free Issues",
    "Subscribe to The Week US",
    "Subscribe to The Week UK",
)
_PROMO_LINES = (
    *_BOX_LINES,
    # The text of the author box's social links, which scrapers of the site's template save.
    "Social Links Navigation",
    *(f"Follow on {site}" for site in ("X", "Twitter", "LinkedIn", "Facebook", "Instagram", "Threads", "Bluesky")),
    # The publisher's affiliate notice under the byline of shopping articles.
    "When you purchase through links on our site, we may earn an affiliate commission. Here's how it works.",
    "When you purchase through links on our site, we may earn an affiliate commission.",
    "When you make a purchase using links on our site, The Week may earn a commission. All reviews are written "
    "independently by our editorial team.",  # (the older wording)
    "When you make a purchase using links on our site, The Week may earn a commission.",
    # The newsletter sign-up form's own lines (the publisher's template).
    "Contact me with news and offers from other Future brands",
    "Receive email from us on behalf of our trusted partners or sponsors",
    "By submitting your information you agree to the Terms & Conditions and Privacy Policy and are aged 16 or over.",
    "Your Email Address",
    "Thank you for signing up to The Week. You will receive a verification email shortly.",
    "There was a problem. Please refresh the page and try again.",
    "An account already exists for this email address, please log in.",
    # ... its other wordings (the older site's, the US form's status lines, a section's newsletter).
    "Thank you for signing up to TheWeek. You will receive a verification email shortly.",
    "You are now subscribed",
    "Your newsletter sign-up was successful",
    "A free daily digest of the biggest news stories of the day - and the best features from our website",
    "Sign up to The Week's Travel newsletter for destination guides and the latest trends",
    "Create an account with the same email registered to your subscription to unlock access.",
    "Sign up to the Travel newsletter for destination guides and the latest trends",
    "Sign up to our 10 Things You Need to Know Today newsletter",
    # The follow links under the byline of the newer template.
    "Follow us",
    "Add us as a preferred source on Google",
    "Get the The Week Newsletter",
    # Page furniture scrapers save from most templates: ad slots, the audio player, a live blog's toggle.
    "Advertisement",
    "Advertisement - Scroll to continue",
    "Advert",
    "Skip advert",
    "Continue reading below",
    "Story continues below advertisement",
    "Article continues below",
    "Article continues below this ad",
    "Scroll to continue with content",
    "- Advertisement -",  # (also with en or em dashes: `_norm` makes them one)
    "Story continues below",
    "Article continues after advertisement",
    "AdChoices",
    "Speed 1x",  # (the audio player's speed button)
    "Watch on YouTube",  # (an embedded video's link text)
    "Listen to this article",
    "Show key events only",
    # Buttons and links around the article: sharing, a shopping page's deal button, comments.
    "Copy link",
    "Share this article",
    "Print this article",
    "Read more",
    "View Deal",
    "Jump to comments",
    "Back to top",
    # An image's lightbox button, saved between its caption and its credit.
    "Expand", "Expand image", "Enlarge", "Enlarge image",
    # A sponsored article's label, above its standfirst.
    "Sponsored", "Sponsored content", "Partner content", "Paid content", "Advertisement feature",
    # A podcast page's platform links; a quiz widget's buttons.
    *(f"Listen on {app}" for app in ("Apple Podcasts", "Spotify", "Amazon Music", "YouTube", "Audible")),
    "Start quiz",
    "Check answer",
    "Next question",
    # An embedded social post's fixed link text (`A post shared by ...`, which names its source, stays).
    "View this post on Instagram",
    # A cookie banner's buttons (its sentence is `_FURNITURE_LINE`'s).
    "Accept all cookies", "Accept cookies", "Accept all", "Reject all", "Manage preferences", "Manage cookies",
    "Cookie settings", "Cookie preferences",
)
# The paywall's first line as pages write it: three dots, an ellipsis character, or none.
_PAYWALL_STARTS = ("To continue reading this article...", "To continue reading this article\u2026",
                   "To continue reading this article", "To continue reading this article.",
                   "Continue reading for free")  # (the registration wall's: the same cut, for an account)
_PAYWALL_LINES = (
    *_PAYWALL_STARTS,
    "We hope you're enjoying The Week's refreshingly open-minded journalism.",
    "Subscribed to The Week? Register your account with the same email as your subscription.",
    "Continue reading this article and get limited website access each month.",
    "Get unlimited website access, exclusive newsletters plus much more.",
    "Cancel or pause at any time.",
    "Already a subscriber to The Week?",
    "Already a subscriber?",
    "Not sure which email you used for your subscription? Contact us",
)
# The related-articles headings first (lists of teasers follow them), then the end marks.
_FOOTER_LINES = ("Latest", "You might also like", "More from The Week", "More from The Week US",
                 "More from The Week UK", "Trending", "Most popular", "Most read", "Related articles", "Read next",
                 "Topics", "Tags", "Related topics",  # (the article's tag list, under the bio)
                 "View More \u25b8", "View More")

_PROMO = frozenset(map(_norm, _PROMO_LINES))
# (also without its scheme: `cdn.mos.cms.futurecdn.net/...jpg`, as a scraper saved an image's src; or
# as a srcset, with its width or density: `... 1920w`, `... 1x, ... 2x`)
_IMAGE_URL = re.compile(
    r"^(?:(?:https?:)?//|(?:[a-z0-9-]+\.)+[a-z]{2,}/)\S+?(\.(jpe?g|png|gif|webp|avif|svg)(\?\S*)?|futurecdn\.net/\S*)"
    r"(?:\s+\d+(?:\.\d+)?[wx](?:,\s*\S+\s+\d+(?:\.\d+)?[wx])*)?$", re.IGNORECASE)
# A media player's position and length (`0:00 / 2:31`), which scrapers save with an audio or video embed:
# at its start, as a page is saved (`1:00:48 / 2:00:01`, a race's splits, say, is text).
_PLAYER_TIME = re.compile(r"^\s*(?:0{1,2}:)?0{1,2}:00\s*/\s*(?:\d{1,2}:)?\d{1,2}:\d{2}\s*$")
# What a cookie banner's sentence goes on to say (the site, the reader's experience, ads, consent): a
# sentence of the body that opens the same way ("We use cookies to reward the dogs after a search.")
# says none of it.
_BANNER_WORDS = (r"(?:experience|brows|personali[sz]|advert|ads\b|traffic|improv|consent|polic|social media"
                 r"|functionality|(?:our|this) (?:site|website|services?)\b)")
# Furniture lines that vary: a gallery's counter (`Image 1 of 5`), a cookie banner's sentence. (Their
# words match case-blind in ASCII only: `İmage` and `ſlide` are no furniture, and `_FURNITURE_FIRST` holds
# every letter they may open with.)
_FURNITURE_LINE = re.compile(r"\s*(?a:(?:Image|Photo|Picture|Slide) \d{1,3} of \d{1,3}"
                             r"|(?:We|This (?:site|website)) uses? cookies(?: and similar technologies)?"
                             r"(?:\.| (?:to|on|so that|for)\b(?=.*?\b" + _BANNER_WORDS + r")).*"
                             # a section's newsletter sign-up line (`Sign up for The Week's Food & Drink newsletter
                             # for ...`), no sentence of the text: its name and what it brings, no full stop (a
                             # paragraph that says the same as a sentence stays: "Sign up for ... newsletter.")
                             # (after `the`, a name: "Sign up for the school newsletter and ..." is a list's item)
                             r"|Sign up (?:for|to) (?:(?:The Week['\u2019]s |our )?(?:free )?(?!the )"
                             r"|the (?=(?-i:[A-Z])))[\w&'\u2019 -]{1,40}? "
                             r"newsletters?(?:(?: for| to| and| with|,| -| \u2013| \u2014)[^.!?]{0,120})?"
                             r"(?:\u2026|\.\.\.)?"
                             # an ad slot's label in the wording of other templates
                             r"|(?:Advertisement|Advert|Ad) ?[-|:\u2013\u2014] ?(?:(?:please )?scroll(?: down)? "
                             r"to continue(?: reading)?(?: below| with content)?|continue reading(?: below)?"
                             r"|(?:the )?(?:story|article|content) continues(?: below)?"
                             r"(?: after (?:the |this )?(?:advertisement|advert|ad))?)\.?)\s*", re.IGNORECASE)
_FURNITURE_FIRST = frozenset("IiPpSsWwTtAa")  # (or white space)
# The publisher's affiliate notice with the sentence its sites put first (`The Week is supported by its
# readers.`, `... by its audience.`) or another link after it (`Learn more`).
_AFFILIATE = re.compile(r"\s*(?:[\w'\u2019&.-]+(?: [\w'\u2019&.-]+){0,4} is supported by its "
                        r"(?:readers|audience)\. )?"
                        r"When you (?:purchase|buy) through links on our site,? we may earn an affiliate commission\."
                        r"(?: (?:Here[\'\u2019]s how it works|Learn more|Find out more|Read more)\.?)?\s*",
                        re.IGNORECASE)

PAYWALL_START = _norm(_PAYWALL_STARTS[0])
# (the registration wall's first line is a paywall only with more of the wall under it: alone it
# may be a heading of the text, as `_Page._paywall_at` tells)
_PAYWALL_STARTS_NORM = frozenset(map(_norm, _PAYWALL_STARTS[:-1]))
_KEY_ALIAS = {_norm(v): PAYWALL_START for v in _PAYWALL_STARTS}  # one key for every form of the first line
# A catalogue line that is a sentence may come without its full stop (templates differ on it).
_KEY_ALIAS.update({_norm(v)[:-1]: _norm(v) for v in _PROMO_LINES + _PAYWALL_LINES[len(_PAYWALL_STARTS):]
                   if v.endswith(".") and not v.endswith("..")})
# ... and one that is no sentence may come with one (`Subscribe to The Week.`; not a button's word or two:
# `Sign up.` alone on its line may be a reply in the text).
_KEY_ALIAS.update({_norm(v) + ".": _norm(v) for v in _PROMO_LINES if v[-1].isalnum() and len(v.split()) >= 3})
# ... or, a box's heading, with a colon (`Subscribe to The Week:` over the box's text).
_KEY_ALIAS.update({_norm(v) + ":": _norm(v) for v in _BOX_LINES if v[-1].isalnum() and len(v.split()) >= 3})
PAYWALL_END = _norm("Not sure which email you used for your subscription? Contact us")
PAYWALL_KEYS = frozenset(map(_norm, _PAYWALL_LINES))
# Lines of the block that other text may hold too (a piece on paywalls quotes them): two of these alone
# make no paywall whose first line was lost.
PAYWALL_GENERIC = frozenset(map(_norm, ("Cancel or pause at any time.", "Already a subscriber?")))
FOOTER_KEYS = frozenset(map(_norm, _FOOTER_LINES))
FOOTER_HEADS = frozenset(map(_norm, _FOOTER_LINES[:-2]))  # the headings a list of related articles follows


_BOILER = _PROMO | PAYWALL_KEYS | FOOTER_KEYS | frozenset(_KEY_ALIAS)
LONGEST = max(map(len, _BOILER)) + 40  # a longer line cannot be boilerplate: skip the regex work
# Catalogue lines as pages write them (straight or typographic apostrophe and dash) -> key, so that
# most boilerplate lines need no `_norm`.
_EXACT = {v: _KEY_ALIAS.get(_norm(v), _norm(v)) for s in _PROMO_LINES + _PAYWALL_LINES + _FOOTER_LINES
          for v in {s, s.replace("'", "\u2019"), s.replace(" - ", " \u2013 "), s.replace(" - ", " \u2014 ")}}

_EXACT_STARTS = frozenset(v for v in _EXACT if _norm(v) in _PAYWALL_STARTS_NORM)
# The first two words of every catalogue block of two or more words; the blocks of one word.
_KEY_HEADS = frozenset(" ".join(k.split()[:2]) for k in _BOILER if len(k.split()) > 1)
_KEY_WORDS = frozenset(k for k in _BOILER if len(k.split()) == 1)

# A line normalises to a catalogue key only if its ends can start and end one. `_norm` maps an ASCII
# character that is not white space to c.lower() and keeps it in place relative to the line's first
# and last such character, so: a first or last ASCII character no key starts or ends with, or three
# ASCII letters opening the line that open no key, rule a line out without the cost of `_norm`.
_ASCII_INK = [c for c in map(chr, range(128)) if not c.isspace()]
# ("&" and ";" may open or close an HTML entity, which `_norm` decodes.)
_CANNOT_START = frozenset(c for c in _ASCII_INK if c.lower() not in {k[0] for k in _BOILER}) - {"&"}
_CANNOT_END = frozenset(c for c in _ASCII_INK if c.lower() not in {k[-1] for k in _BOILER}) - {";"}
_OPENINGS = frozenset(k[:3] for k in _BOILER)
# A text that starts with one of these has no key (`boiler_key` gives it one by none of its paths: not
# an icon, it stays first when icons are taken off), nor has any block of lines that starts with it.
_NO_BLOCK_START = _CANNOT_START - {"<", ">"}


def boiler_key(line: str) -> str | None:
    """For a line of 1.._LONGEST characters: its catalogue key if it is boilerplate ("" for an image URL,
    a media player's time, a gallery's counter or a cookie banner's sentence; `BLANK` for a line of
    only HTML entities or invisible characters), else None.

    Only catalogue keys are ever compared, so other lines need no key; most are ruled out by
    their first or last character, without the cost of `_norm`.
    """
    key = _EXACT.get(line)
    first = line[0]
    if key is None and first not in _CANNOT_START and line[-1] not in _CANNOT_END:
        opening = line[:3]
        if not (opening.isascii() and opening.isalpha() and opening.lower() not in _OPENINGS) and _may_be_key(line):
            key = _norm(line)
    if key is not None:  # (most lines have none)
        if key in _BOILER:
            return _KEY_ALIAS.get(key, key)
        if key == "":
            return BLANK  # only entities or invisible characters ("&nbsp;" on a line of its own): shows as blank
    if "/" in line and (("//" in line or "." in line) and _IMAGE_URL.match(line.strip())
                        or ":" in line and _PLAYER_TIME.match(line)):
        return ""
    if (first in _FURNITURE_FIRST or first.isspace()) and _FURNITURE_LINE.fullmatch(line):
        return ""
    if "affiliate" in line and _AFFILIATE.fullmatch(line):
        return ""
    if first in "Tt" or first.isspace():  # another ending of the paywall's first line ("..., subscribe to
        text = line.lstrip()                # The Week US"), indented or not
        if len(text) <= 120 and text[:11].lower() == "to continue" and \
                _norm(text).startswith(PAYWALL_START.rstrip(".")):
            return PAYWALL_START
    if first in _MARKUP_START or "](" in line or "[]" in line or (first.isspace() and line.lstrip()[:1] in
                                                                   _MARKUP_START):
        # (Markdown or HTML a scraper kept: `### Subscribe to The Week`, indented too, `## Latest`, `[View
        # More ▸](/news)`, a button with its image `[SUBSCRIBE & SAVE](url) ![](url)` or pandoc's `... []`)
        bare = unmarked(_MD_IMAGE.sub("", line).replace("[]", ""))
        if bare and bare != line.strip() and len(bare) <= LONGEST and (
                key := LINE_KEYS.get(bare) or boiler_key(bare)) is not None and key != BLANK:
            return key  # (LINE_KEYS: the US box's heading in bold, `**The Week**`, audit n37)
        if not bare and _MD_BARE_IMAGE.fullmatch(line.strip()):
            return ""  # an image with no alt, `![](url)`: the bare image URL line, as Markdown (audit n37)
    if not line.isascii() and _INVISIBLE_ANY.search(line) and (bare := line.translate(INVISIBLE).strip()) \
            and bare != line:
        # a zero-width character or direction mark left in (`Sign up →\u200b`, `\u200bhttps://...jpg`,
        # `The Week\u200b`: audit n37), where `_norm`'s own dropping of them does not reach
        return LINE_KEYS.get(bare) or boiler_key(bare)
    if not line.isascii() or ">" in line or "<" in line:  # (icons are not ASCII but for these two)
        text = line.strip()
        # A button saved with its icon ("Sign up →"). (An ASCII end is an icon only as `<` or `>`: no
        # lookup for the letters most lines start and end with.)
        if text and ((text[0] in "<>" if text[0].isascii() else _is_icon(text[0]))
                     or (text[-1] in "<>" if text[-1].isascii() else _is_icon(text[-1]))):
            bare = _without_icons(text)
            key = boiler_key(bare) if bare else None
            return None if key == BLANK else key  # (an icon by "&nbsp;" is no blank line: text, as written)
    if len(line) < 24 and ("eek" in line or "EEK" in line) and \
            LINE_KEYS.get(spaced := " ".join(line.split())) == LOGO and spaced != line:
        return LOGO  # the site's name over its box, spaced otherwise (`The\xa0Week`, indented; audit v37)
    return None


_ICONS = frozenset("<>\u2039\u203a\u00ab\u00bb\ufe0f\u200d")  # ASCII arrows, guillemets, emoji joiners


def _is_icon(c: str) -> bool:
    """A symbol a template puts before or after a button's text: an arrow, a chevron, an emoji."""
    known = _ICON_MEMO.get(c)
    if known is None:  # (lines end with curly quotes often: one category lookup per character, not per line)
        known = _ICON_MEMO[c] = c in _ICONS or (not c.isascii() and unicodedata.category(c)[0] == "S")
    return known


_ICON_MEMO: dict[str, bool] = {}


def _without_icons(text: str) -> str:
    """The text without the icons (and the spaces by them) at its ends."""
    i, j = 0, len(text)
    while i < j and (_is_icon(text[i]) or text[i].isspace()):
        i += 1
    while j > i and (_is_icon(text[j - 1]) or text[j - 1].isspace()):
        j -= 1
    return text[i:j]


def _may_be_key(line: str) -> bool:
    """Whether a line's first two words (its word, if it has one) are those of a catalogue key, as
    `_norm` would make them: a test on two words, not the whole line. (An entity or an invisible
    character could hide a match from it: such lines go on to `_norm`.)"""
    if "&" in line:
        return True
    words = line.split(None, 2)
    if not words:
        return True  # white space alone: the key of a blank line
    head = f"{words[0]} {words[1]}" if len(words) > 1 else words[0]
    if not head.isascii():
        if _ZERO_WIDTH_RE.search(line):
            return True
        for fancy, plain in _DASH_PAIRS:
            if fancy in head:
                head = head.replace(fancy, plain)
    return head.casefold() in (_KEY_HEADS if len(words) > 1 else _KEY_WORDS)


def _tails() -> dict[str, dict[str, str]]:
    """For each catalogue block that opens a longer one (the affiliate notice and its link, `Here's how
    it works.`; `Sign up` and `for The Week's Free Newsletters`): the rest of each longer one, with
    and without its full stop -> the longer one's key."""
    tails: dict[str, dict[str, str]] = {}
    for long in _BOILER:
        for short in _BOILER:
            if long.startswith(short + " "):
                rest = long[len(short) + 1:]
                for form in (rest, rest.rstrip(".")):
                    tails.setdefault(_KEY_ALIAS.get(short, short), {})[form] = _KEY_ALIAS.get(long, long)
    return tails


_TAILS = _tails()
TAIL_HEADS = frozenset(_TAILS)
assert TAIL_HEADS.isdisjoint(k for tails in _TAILS.values() for k in tails.values())  # (see continued_boilerplate)


def continued_boilerplate(lines: list[str], keys: list[str | None]) -> None:
    """Mark the rest of a longer catalogue block saved as a line of its own under a block that opens
    it, glued or a blank line apart (a link of its own in the template: "When you purchase through
    links on our site, we may earn an affiliate commission." / "Here's how it works."). Callers test
    `TAIL_HEADS.isdisjoint(keys)` first: most pages hold no such block."""
    n = len(lines)
    # The blocks' lines, found in C. (A key set below is a longer block's, never one that opens another:
    # the lines found stay the ones to look at.)
    heads = bytes(map(TAIL_HEADS.__contains__, keys))
    i = heads.find(1)
    while i >= 0:
        key = keys[i]
        i, at = heads.find(1, i + 1), i
        j = at + 2 if at + 1 < n and keys[at + 1] == BLANK else at + 1
        if key is not None and j < n and keys[j] is None and len(lines[j]) <= LONGEST:  # (key: always a head)
            keys[j] = _TAILS[key].get(_norm(lines[j]))


# A share bar's buttons, as a scraper saves them: a line each.
_SHARE_BUTTONS = ("Share", "Copy link", "Facebook", "X", "Twitter", "Email", "E-mail", "WhatsApp", "Reddit",
                  "LinkedIn", "Pinterest", "Flipboard", "Print", "Save", "Messenger", "Bluesky", "Threads",
                  "Telegram", "Comments", "Share on Facebook", "Share on X", "Share on Twitter",
                  "Share on WhatsApp", "Share on LinkedIn", "Share on Reddit", "Share by email", "Share via email",
                  "Share this article")
# A bar's own buttons: a run of networks (and `Email`, `Save`) may be a quiz's options or an article's list.
_SHARE_ACTIONS = frozenset(b.casefold() for b in _SHARE_BUTTONS if b.startswith("Share") or b == "Copy link")
BUTTON = "\x00button"  # the key of a line that may be a share button (no catalogue key holds a NUL)
# `_EXACT`, and a share button's usual spellings -> `BUTTON`: the keys pass of `page.PageState` looks
# lines up here, so a page without such a line pays nothing for share bars.
LINE_KEYS: dict[str, str] = {}  # filled below, once `boiler_key` is defined


def share_bars(lines: list[str], keys: list[str | None]) -> None:
    """Resolve `BUTTON` keys: three or more lines in a row that are all share buttons (`Share`,
    `Copy link`, `Facebook`, `X`, `Email`), one of them `Share ...` or `Copy link`, are a share bar
    (networks, `Email` or `Save` alone can be an article's list or a quiz's options); any other such
    line is text."""
    n, i = len(lines), 0
    while i < n:
        if keys[i] != BUTTON:
            i += 1
            continue
        j = i
        while j < n and (keys[j] == BUTTON or keys[j] == "copy link"):
            j += 1
        bar = j - i >= 3 and any(lines[k].casefold() in _SHARE_ACTIONS for k in range(i, j))
        for k in range(i, j):
            if keys[k] == BUTTON:
                keys[k] = "copy link" if bar else None
        i = j


CARD = "\x00card"  # the key of a line of a related article's card (see `related_cards`)
_CARD_BULLETS = frozenset({"-", "\u2022"})  # a card's list marker, on a line of its own
_CARD_TEXT = 4  # text lines of a card under its marker at most: headline, kicker and teaser, byline
_CARD_WIDTH = 350  # characters in a line of a card at most (a headline, kicker and teaser glued: ~300)
# The kickers of the site's cards, as written, capitalised or in capitals (`IN THE SPOTLIGHT`, `Under The
# Radar`), over a capital: at the start of the teaser's line, or glued to the headline above it, after a
# lower-case letter, a digit or an end mark (`How the rule worksIn the Spotlight The law ...`); never
# after a space or a quote, nor inside a word (`a preview The ...`: case counts).
_KICKERS = ("The Week Recommends", "The Explainer", "In the Spotlight", "Today's Big Question", "Today's Newspapers",
            "Instant Opinion", "In Depth", "Under the Radar", "Speed Reads", "Speed Read", "In Review",
            "The Week Unwrapped", "Pick of the Papers", "Talking Points", "Talking Point", "Cartoons", "Opinion",
            "Feature", "Review", "Briefing", "Analysis", "Quiz", "Puzzles")
_CARD_KICKER = re.compile(r"(?:^|(?<=[a-z\u00df-\u00ff0-9?!.)]))(?:" + "|".join(sorted(
    {re.escape(form).replace("'", "['\u2019]") for k in _KICKERS
     for form in (k, k.upper(), " ".join(w[:1].upper() + w[1:] for w in k.split()))}, key=len, reverse=True))
    + r") (?=[A-Z\"\u201c\u2018'0-9])")
_CARD_WHEN = (" published", " last updated", " updated")
# A name's words: capitalised, or the particles and joins names hold (`Ann de la Cruz`, `Tom Roe and Ann Poe`).
_NAME_JOINS = frozenset({"and", "de", "la", "le", "van", "von", "der", "den", "da", "di", "del", "dos", "du", "al",
                         "bin", "ter", "&"})
# Two sentences on a line: a paragraph's, not a card's (its headline and teaser are a phrase each).
_SENTENCES = re.compile(r"\w[.!?][\"'\u201d\u2019)]? +[\"'\u201c\u2018(]?[A-Z]")


def card_byline(text: str) -> bool:
    """A card's byline: `By` a name and the time label whose date the scraper lost (`By Tom Roe
    Published`, `By Ann Poe, The Week UK Last updated`). An article's byline keeps its date; a
    sentence that opens with `By` and ends on `published` names no one (`By June, the inquiry's
    report was published`)."""
    if text[:3] not in ("By ", "BY ") or len(text) > 120:
        return False
    low = text.lower()
    label = next((w for w in _CARD_WHEN if low.endswith(w)), None)
    if label is None:
        return False
    name, comma, pub = text[3:len(text) - len(label)].partition(",")
    words = name.split()
    if not 0 < len(words) <= 6 or not all(w[:1].isupper() or w in _NAME_JOINS for w in words):
        return False
    return not comma or (pub.strip()[:1].isupper() and len(pub) <= 40 and "," not in pub)


def _prose(line: str) -> bool:
    """A paragraph's line, not a card's: long and two sentences or more."""
    return len(line) > 150 and _SENTENCES.search(line) is not None


def related_cards(lines: list[str], keys: list[str | None]) -> bool:
    """Mark the cards of related articles a scraper saved from a carousel (mid-page under the newsletter
    box, or at the end): a marker line (`-`) over a headline, the kicker and teaser, and the card's
    byline (`By Tom Roe Published`), a line each or glued, blank lines between or not. A run of cards
    is marked when one of them has a byline or a kicker (as its second line, or glued to the headline);
    a list of the article's own saved with `-` lines has neither. Returns whether any was marked."""
    n = len(lines)

    def marker(j: int) -> bool:
        return keys[j] is None and lines[j].strip() in _CARD_BULLETS

    from .lines import line_signature  # (that module reads this one's catalogue)

    cards: list[tuple[int, int, bool]] = []  # (marker, end, proved)
    for b in [i for i in range(n) if marker(i)]:
        text, proved, closed, kicked, end = 0, False, False, -1, -1
        for j in range(b + 1, n):
            line = lines[j].strip()
            if not line:
                continue
            text += 1
            if marker(j) or keys[j] is not None or len(line) > _CARD_WIDTH or text > _CARD_TEXT:
                break
            if card_byline(line):
                proved = closed = True
                end = j + 1
                break
            if _prose(line) or line_signature(line) is not None:
                break  # (the article's text or its signature under a list of its own)
            end = j + 1
            if line[-1] != "." and (m := _CARD_KICKER.search(line)) is not None and (m.start() > 0 or text > 1):
                # (a teaser is a phrase: a line that ends on a full stop is a sentence of the text)
                proved, kicked = True, j + 1
        if end < 0:
            continue
        nxt = next((j for j in range(end, n) if lines[j]), n)
        if not closed and not (nxt < n and marker(nxt)):
            # Neither a byline closes the card nor the next card's marker follows (text under it, or
            # the page's end): it ends with its teaser's line; without a kicker its lines are text.
            if kicked < 0:
                continue
            end = kicked
        cards.append((b, end, proved))
    found = False
    k = 0
    while k < len(cards):  # runs of cards, each one's end followed by the next one's marker
        r = k
        while r + 1 < len(cards) and not any(lines[x] for x in range(cards[r][1], cards[r + 1][0])):
            r += 1
        if any(c[2] for c in cards[k:r + 1]):
            for b, end, _ in cards[k:r + 1]:
                for x in range(b, end):
                    if lines[x]:
                        keys[x] = CARD
            found = True
        k = r + 1
    return found


WINDOW_TESTS = 4096  # windows of wrapped lines `wrapped_boilerplate` looks up in a page, at most


def wrapped_boilerplate(lines: list[str], keys: list[str | None], runs: list[tuple[int, int]]) -> bool:
    """Mark a catalogue block a template wrapped over consecutive lines ("Escape your echo chamber.
    Get the facts behind the news," / "plus analysis ..."): the lines joined by a space must be
    the whole block. Returns whether any was found. (Most windows are ruled out by their first two
    words and their last character, as in `boiler_key`: well under 1 us a page.) At most
    `WINDOW_TESTS` windows are looked up a page: a page of thousands of short lines that each open
    as a block does (`Get` / `the`, `&a;`) took minutes; a real page tests a few."""
    found = False
    budget = WINDOW_TESTS
    for s, e in runs:
        i = s
        while i < e - 1:
            first = lines[i].lstrip()
            # (a Markdown heading or bold line wrapped, `## From our ...` / `... inbox.`: audit n37)
            marked = first[:1] in "*_#" and first.lstrip("*_# ")[:1] not in _NO_BLOCK_START
            if (first[0] in _NO_BLOCK_START and not marked) or not _may_be_key(
                    f"{first.lstrip('*_# ') if marked else first} {lines[i + 1].lstrip()}"):  # (the block's first
                # character, its first two words)
                i += 1
                continue
            size = len(first)
            joined = first.rstrip()
            for j in range(i + 1, e):
                size += len(lines[j]) + 1
                if size > LONGEST:
                    break
                joined = f"{joined} {lines[j].strip()}"  # (the lines i..j stripped, joined by a space)
                if (lines[j].rstrip("*_") if marked else lines[j])[-1:] in _CANNOT_END:
                    continue
                budget -= 1
                if budget < 0:
                    return found
                key = boiler_key(joined)
                if key:  # (an image URL, key "", cannot wrap)
                    keys[i:j + 1] = [key] * (j + 1 - i)
                    found, i = True, j
                    break
            i += 1
    return found


# A list's marker that a scraper saving the page as text put before a box's line (`• Sign up for ...`).
_MARKS = frozenset(f"{m} " for m in "\u2022\u00b7\u25aa\u25cf*-")


def marked_boilerplate(lines: list[str], keys: list[str | None], runs: list[tuple[int, int]]) -> bool:
    """Mark a promotional line saved behind a list's marker ("• Sign up for The Week's Free
    Newsletters", "* SUBSCRIBE & SAVE") when it is a paragraph of its own line: in a list of the
    text ("- Sign up" / "- Pick a plan" / ...) such a line is an item. Returns whether any was found."""
    found = False
    for s, e in runs:
        if e - s == 1 and lines[s].lstrip()[:2] in _MARKS:
            rest = lines[s].lstrip()[2:].strip()
            key = boiler_key(rest) if rest and len(rest) <= LONGEST else None
            if key in _PROMO:
                keys[s] = key
                found = True
    return found


def split_boilerplate(lines: list[str], keys: list[str | None], runs: list[tuple[int, int]]) -> bool:
    """Mark a catalogue block saved in two or three pieces a blank line apart, one line each (a
    box's heading and text as separate elements: "Sign up for The Week's" / "" / "Free Newsletters"):
    the pieces joined by a space must be the whole block. Returns whether any was found. Only
    short single-line paragraphs are looked at, by their first two words first (as `boiler_key`)."""
    found = False
    for n, (s, e) in enumerate(runs[:-1]):
        if e - s != 1 or len(lines[s]) > LONGEST:
            continue
        text = lines[s].strip()
        if text[0] in _NO_BLOCK_START:
            continue
        for s2, e2 in runs[n + 1:n + 3]:
            if e2 - s2 != 1 or keys[e:s2].count(BLANK) != s2 - e:  # (only blank lines between)
                break
            text = f"{text} {lines[s2].strip()}"
            if len(text) > LONGEST or not _may_be_key(text):
                break
            key = boiler_key(text)
            if key:  # (an image URL, key "", is never split)
                for i in range(s, e2):
                    if keys[i] is None:
                        keys[i] = key
                found = True
                break
            e = e2
    return found


def indented_short(line: str) -> bool:
    """A line over the length cut-off only through leading white space (found by the fuzzer:
    288 tabs + "Latest" must still be boilerplate). The strip runs only for such lines."""
    return line[0].isspace() and len(line.lstrip()) <= LONGEST


def is_boilerplate(line: str) -> bool:
    """True when a whole line is a known promotional, paywall or footer block. (A paywall first line
    with another ending is one only with more of the block after it: see `_Page._paywall_at`.)"""
    if line == "" or (len(line) > LONGEST and not indented_short(line)):
        return False
    key = boiler_key(line)
    if key == PAYWALL_START:
        return _is_paywall_start(_without_icons(line.strip()))
    # (`Follow us` alone in a body: a heading; the site's name alone, `The Week` however spaced, a
    # list's item or a subheading unless it heads a box, which only the page around it tells)
    return key is not None and key != BLANK and key != FOLLOW and key != LOGO


def _is_paywall_start(line: str) -> bool:
    """One of the paywall first line's usual forms."""
    return line in _EXACT_STARTS or _norm(line) in _PAYWALL_STARTS_NORM


LOGO = "\x00logo"  # the key of a line that may be the site's name heading its subscribe box (see `logo_lines`)
# (A box's text, not its button: under a paragraph `The Week` (a list's item, a subheading), a `Sign up` or
# `SUBSCRIBE & SAVE` button closes a box whose heading was lost, audit g36.)
_BOX_KEYS = frozenset(_KEY_ALIAS.get(_norm(v), _norm(v)) for v in _BOX_LINES
                      if _norm(v) not in ("sign up", "subscribe & save", "subscribe and save"))
_LOGO_KEY = "the week"


def logo_lines(lines: list[str], keys: list[str | None]) -> None:
    """Resolve `LOGO` keys: the site's name on a line of its own (`The Week`) heads its subscribe box
    on the US site ("The Week" / "Escape your echo chamber. ..."): boilerplate when the next line that
    is not blank is a line of a subscribe or newsletter box, and no text is glued on above it (the
    last of a list of titles, "The Spectator" / "The Week", audit g36); anywhere else, text."""
    n = len(keys)
    for i in [i for i, k in enumerate(keys) if k == LOGO]:
        j = i + 1
        while j < n and keys[j] == BLANK:
            j += 1
        keys[i] = _LOGO_KEY if j < n and keys[j] in _BOX_KEYS and (i == 0 or keys[i - 1] is not None) else None


FOLLOW = _norm("Follow us")  # the newer template's follow links' heading: a heading of the text too


def follow_lines(keys: list[str | None]) -> None:
    """`Follow us` is the template's when a line above or under it (blank lines aside) is catalogued
    too (`Add us as a preferred source on Google`); on its own between paragraphs, it is text."""
    n = len(keys)
    for i in [i for i, k in enumerate(keys) if k == FOLLOW]:
        up, down = i - 1, i + 1
        while up >= 0 and keys[up] == BLANK:
            up -= 1
        while down < n and keys[down] == BLANK:
            down += 1
        if not ((up >= 0 and keys[up] is not None) or (down < n and keys[down] is not None)):
            keys[i] = None


# (a button catalogued on its own, `Copy link` in any case, keeps its catalogue key)
LINE_KEYS.update({form: boiler_key(form) or BUTTON for b in _SHARE_BUTTONS
                  for form in {b, b.lower(), b.upper(), b.title()}})
LINE_KEYS.update(_EXACT)
LINE_KEYS.update({form: LOGO for name in ("The Week", "The Week US", "The Week UK")
                  for form in (name, name.upper())})
