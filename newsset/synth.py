"""Seeded synthetic raw pages in the layout of docs/format.md, each with the fields the parser must find.

All text is invented from the small word lists below. `make_page` varies every part of the
layout independently (standfirst, image block, byline labels, promotional and paywall blocks,
signature, bio, footer); `write_corpus` adds the byte-level variations (CRLF line ends, a BOM,
no final newline), exact duplicates and bad files. Everything follows from the seed::

    python -m newsset.synth /tmp/corpus --n 2000 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["BAD_KINDS", "FIELDS", "encode_page", "main", "make_bad_page", "make_page", "write_corpus"]

#: The keys of the expected dict `make_page` returns (a record without id/source/source_sha256).
FIELDS = ("date", "title", "subtitle", "author", "publication", "author_bio", "image_alt", "image_caption",
          "image_credit", "body", "truncated")
#: Bad page kinds and the issue code the parser must refuse each with.
BAD_KINDS: dict[str, str] = {
    "empty": "input.empty", "whitespace": "input.empty", "binary": "input.binary", "latin1": "input.encoding",
    "no-header": "parse.missing-header", "malformed-header": "parse.malformed-header",
    "impossible-date": "parse.invalid-date", "no-title": "parse.missing-title", "no-body": "parse.missing-body",
}

NBSP = "\u00a0"
FIRST = ("José", "Zoë", "Łukasz", "Aoife", "Chidi", "Małgorzata", "Søren", "Amélie", "Björn", "Priya", "Siobhán",
         "Tomás", "Noémie", "Kwame", "Hannah", "Daniel", "Fatima", "Rhys", "Inês", "Mateo", "Grace", "Oliver",
         "Eilidh", "Yusuf", "Clara", "Ngozi", "Raphaël", "Ana", "Marek", "Leïla", "Gwen", "Dmitri")
LAST = ("Fernández", "Hale-Brontë", "Kowalczyk", "O’Sullivan", "Okafor", "Nørgaard", "Lefèvre", "Strömberg",
        "Raman", "de la Cruz", "Achterberg", "Mensah", "Whitlock", "Haddad", "Ferreira", "Pryce", "Castellanos",
        "MacLeod", "Demir", "Lindqvist", "Nwosu", "Dubois", "Carvalho", "Novák", "Ashdown", "van der Linde")
PLACES = ("Lisbon", "Gdańsk", "Kraków", "Reykjavík", "São Paulo", "Nairobi", "Montréal", "Zürich", "Cardiff",
          "Belfast", "Leeds", "Seville", "Tromsø", "Hanoi", "Accra", "Brussels", "Dundee", "Valparaíso", "Ohio")
ORGS = ("the Halden Institute", "the Coastal Futures Trust", "Meridian Analytics", "the Northgate Foundation",
        "the Civic Data Forum", "Brightwater Research", "the Albion Policy Unit", "the Fenwick Centre")
MEDIA = ("the Harbour Gazette", "The Daily Lantern", "the Northern Ledger", "Radio Kestrel", "The Civic Review",
         "the Morning Compass")
AGENCIES = ("Northlight Pictures", "Stockwell Images", "Kestrel Photo", "Pressbank", "Lumen Agency")
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # topic -> (actors, things)
    "politics": (("ministers", "opposition MPs", "Downing Street aides", "party officials", "backbenchers"),
                 ("the spending plan", "the migration bill", "the planning reforms", "the coalition deal")),
    "economy": (("central bankers", "economists", "retailers", "investors", "mortgage lenders"),
                ("interest rates", "the housing market", "inflation", "wage growth", "energy bills")),
    "climate": (("campaigners", "climate scientists", "energy firms", "farmers", "coastal councils"),
                ("the net-zero target", "offshore wind farms", "flood defences", "carbon pricing")),
    "tech": (("regulators", "tech start-ups", "chip makers", "app developers", "privacy groups"),
             ("artificial intelligence", "the online safety rules", "data centres", "facial recognition")),
    "health": (("hospital trusts", "GPs", "health officials", "nurses’ unions", "researchers"),
               ("waiting lists", "the vaccine rollout", "a new weight-loss drug", "care home funding")),
    "world": (("diplomats", "the two leaders", "peace negotiators", "foreign ministers", "aid agencies"),
              ("the ceasefire talks", "the trade corridor", "sanctions", "the border dispute")),
    "culture": (("critics", "festival organisers", "publishers", "museum directors", "streaming services"),
                ("ticket prices", "the book prize", "the restitution debate", "the touring exhibition")),
    "sport": (("club owners", "league officials", "fans’ groups", "coaches", "broadcasters"),
              ("the transfer window", "the new stadium", "the salary cap", "the doping inquiry")),
}
QUOTES = ("We have waited years for this, and we are not going to waste it", "Nobody should pretend this is easy",
          "The numbers speak for themselves", "This is about trust — and trust has to be earned",
          "I have never seen anything quite like it", "We will keep asking the questions nobody else will")
SHORT = ("a step in the right direction", "too little, too late", "nothing short of a scandal", "long overdue",
         "the biggest shake-up in a generation", "a gamble that could backfire", "simply not good enough")
ROLES = ("a senior fellow", "the chief economist", "a former adviser", "the director", "a spokesperson")
OUTCOMES = ("change course", "collapse", "cost more than expected", "survive the winter", "win public support")
MOODS = ("wary", "defiant", "quietly optimistic", "nervous", "restless")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

SENTENCES = (
    "{Actors} say {thing} will {outcome} by the end of {year2}.",
    "“{quote},” said {person}, {role} at {org}.",
    "According to {org}, {thing} has shifted by {pct} since {year}.",
    "The move comes as {actors} face growing pressure over {thing}.",
    "In {place}, the mood is {mood} — and {actors} are not hiding it.",
    "{person} told {media} that the plan was “{short}”.",
    "Critics call it ‘{short}’, but {actors} insist the numbers add up.",
    "Figures published on {weekday} show that {thing} changed for the {nth} month in a row.",
    "It is, as one official put it, “{short}”.",
    "Could {thing} {outcome}? {person} thinks so.",
    "The deal, worth £{money}{nbsp}billion, was agreed after {num} hours of talks in {place}.",
    "Not everyone is convinced: {media} said the proposal was “{short}”.",
    "Dr{nbsp}{last}, who has studied {thing} for {num} years, is more cautious.",
    "Behind the scenes, {actors} have spent months preparing for this moment — and for its failure.",
    "So what happens next?",
    "That leaves {actors} with an awkward choice between {thing} and {thing}.",
    "The last time {place} tried something similar, in {year}, it ended in a row over who would pay.",
    "“It’s not perfect,” {person} admitted, “but it’s a start.”",
    "A poll for {org} found that {num}{nbsp}per cent of voters had never heard of {thing}.",
    "There is ‘no plan B’, {actors} have been told.",
    "For {actors}, the stakes could hardly be higher: {thing} was supposed to be settled {num} years ago, and "
    "every month of delay adds to the bill.",
    "Speaking in {place} on {weekday}, {person} argued that {thing} had been “{short}”, and that {actors} should "
    "have seen the problem coming.",
    "A report by {org}, which runs to {num}0 pages, concludes that {thing} will {outcome} unless {actors} act "
    "within the year.",
    "Those close to the talks describe a {mood} atmosphere, with {actors} and {actors} trading blame late into "
    "the night.",
)
#: Sentences that mention subscriptions, newsletters or signing up; they are body text, not promotion.
MENTIONS = (
    "More than {num}{nbsp}million people have signed up to the scheme since it opened in {month}.",
    "{person} said she would “sign up tomorrow” if the price fell.",
    "The company’s newsletter, which readers can subscribe to for free, first reported the deal.",
    "Subscriptions to the service rose by {pct} last year, said {org}.",
    "Residents can sign up for the trial on the council’s website until {month}.",
    "Sign up rates among younger users have halved, {media} reported.",
    "Subscribe to The Week’s rivals and you will read much the same story, {person} joked.",
)
TITLES = (
    "{Actors} weigh up {thing} after a bruising week", "Why {thing} matters more than ever",
    "{place}’s ‘{short}’: what happens now?", "The quiet fight over {thing}", "{person} on {thing}: ‘{short}’",
    "Is {thing} about to {outcome}?", "{Actors} and {thing}: a {mood} summer in {place}",
    "What {thing} means for {place}",
)
STANDFIRSTS = (  # one line, never ending in sentence punctuation
    "{Actors} are divided over {thing} as {actors} warn of a costly delay",
    "The row over {thing} shows no sign of ending — but {place} may hold the answer",
    "{person} says the plan is ‘{short}’ while critics point to {thing}",
    "What the latest figures reveal about {thing} and why it matters",
    "A {mood} mood in {place} as {actors} count the cost of {thing}",
)
ALTS = ("Photo composite illustration of {person} and {person}", "{Actors} at a press conference in {place}",
        "A street in {place} at dusk", "Protesters gather outside a government building in {place}")
CAPTIONS = ("{person} at a press event in {place} last {weekday}", "{thing} has divided opinion in {place}",
            "The debate over {thing} has moved from the margins to the mainstream",
            "{person} in {place}. The visit was the first in {num} years.")
CREDITS = ("{agency}", "{person} / {agency}", "Illustration by {person} / {agency} / {agency}")
BIOS = ("{person} is a staff writer at The Week, covering {thing} and {thing}.",
        "{person} joined the team in {year} after {num} years at {media}. {Pron} writes about {thing} and has "
        "reported from {place} and {place}.",
        "{person} is the author of two books on {thing}. Before journalism, {pron} worked at {org}.")

# Promotional blocks: lists of lines ("" is a blank line), UK and US wordings.
URL = "https://cdn.example-cdn.net/flexiimages/{code}{ext}"
UK_PROMOS = (
    ["Subscribe to The Week", "", "Escape your echo chamber. Get the facts behind the news, plus analysis from "
     "multiple perspectives.", "", "SUBSCRIBE & SAVE", URL],
    ["Sign up for The Week{apos}s Free Newsletters", "", "From our morning news briefing to a weekly Good News "
     "Newsletter, get the best of The Week delivered directly to your inbox.", "", "Sign up"],
    ["From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered "
     "directly to your inbox."],
    [URL],
)
US_PROMOS = (
    ["Sign up for Today{apos}s Best Articles in your inbox", "", "A free daily email with the biggest news "
     "stories of the day {dash} and the best features from TheWeek.com", "", "Sign up"],
    ["Subscribe to our newsletter"],
    ["Try 6 Free Issues", URL],
)
PAYWALL = ("To continue reading this article...", "Continue reading this article and get limited website access "
           "each month.", "Get unlimited website access, exclusive newsletters plus much more.",
           "Cancel or pause at any time.", "Already a subscriber to The Week?",
           "Not sure which email you used for your subscription? Contact us")
FOOTER = ("Latest", "You might also like", "View More \u25b8")


def _fill(rng: random.Random, template: str, topic: str, person: str | None = None) -> str:
    """Replace each {slot} of a template with an invented word or phrase."""
    actors, things = TOPICS[topic]
    she = rng.random() < 0.5
    slots: dict[str, Callable[[], str]] = {
        "person": lambda: person or _name(rng), "last": lambda: rng.choice(LAST).split()[-1],
        "place": lambda: rng.choice(PLACES), "org": lambda: rng.choice(ORGS), "media": lambda: rng.choice(MEDIA),
        "agency": lambda: rng.choice(AGENCIES), "actors": lambda: rng.choice(actors),
        "Actors": lambda: _cap(rng.choice(actors)), "thing": lambda: rng.choice(things),
        "quote": lambda: rng.choice(QUOTES), "short": lambda: rng.choice(SHORT), "role": lambda: rng.choice(ROLES),
        "outcome": lambda: rng.choice(OUTCOMES), "mood": lambda: rng.choice(MOODS),
        "weekday": lambda: rng.choice(WEEKDAYS), "month": lambda: rng.choice(MONTHS),
        "year": lambda: str(rng.randint(1998, 2018)), "year2": lambda: str(rng.randint(2026, 2035)),
        "num": lambda: str(rng.randint(2, 40)), "money": lambda: f"{rng.randint(1, 90) / 10:.1f}",
        "pct": lambda: rng.choice([f"{rng.randint(2, 60)}%", f"{rng.randint(2, 60)}{NBSP}per cent"]),
        "nth": lambda: rng.choice(("second", "third", "fourth", "sixth")), "nbsp": lambda: NBSP,
        "Pron": lambda: "She" if she else "He", "pron": lambda: "she" if she else "he",
    }
    return _cap(re.sub(r"\{(\w+)\}", lambda m: slots[m.group(1)](), template))


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _date(rng: random.Random) -> dt.date:
    """A day from 2019-01-01 to 2025-12-31, later years a little more likely."""
    year = rng.choices(range(2019, 2026), weights=(1, 1, 2, 2, 3, 4, 4))[0]
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(366 if year % 4 == 0 else 365))


def _paragraph(rng: random.Random, topic: str) -> str:
    """One line of invented sentences (a few short ones, most 7-16); some mention subscribing or signing up."""
    k = rng.randint(1, 3) if rng.random() < 0.2 else rng.randint(7, 16)
    return " ".join(_fill(rng, rng.choice(MENTIONS) if rng.random() < 0.01 else t, topic)
                    for t in rng.sample(SENTENCES, k))


def _promo(rng: random.Random, us: bool) -> list[str]:
    """One promotional block, in the page's edition wording (sometimes the other's)."""
    block = list(rng.choice(US_PROMOS if us != (rng.random() < 0.15) else UK_PROMOS))
    code = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(12, 26)))
    subs = {"{code}": code, "{apos}": rng.choice("'\u2019"), "{dash}": rng.choice(("-", "\u2013", "\u2014")),
            "{ext}": rng.choice((".jpg", ".jpg", ".jpeg", ".png", ".webp", ".jpg?width=1200"))}
    return [re.sub(r"\{\w+\}", lambda m: subs[m.group(0)], ln) for ln in block]


def make_page(rng: random.Random, *, index: int = 0) -> tuple[str, dict[str, object]]:
    """One raw page (text ending in a newline) and the fields the parser must find in it.

    `index` is the page's position in a corpus; pages cycle through the topics by it.
    """
    topic = list(TOPICS)[index % len(TOPICS)]
    date = _date(rng)
    us = rng.random() < 0.3
    author = _name(rng)
    title = _fill(rng, rng.choice(TITLES), topic)
    lead, sep, trail = rng.choice((0, 1, 1, 1, 2, 4)), rng.choice((1, 1, 1, 1, 2)), rng.choice((0, 0, 0, 0, 1))
    lines = [" " * lead + f"date {date.isoformat()}" + " " * sep + title + " " * trail, ""]
    exp: dict[str, object] = dict.fromkeys(FIELDS)
    exp.update(date=date.isoformat(), title=title, truncated=False)

    if rng.random() < 0.8:  # standfirst
        exp["subtitle"] = _fill(rng, rng.choice(STANDFIRSTS), topic)
        lines += [str(exp["subtitle"]), ""]
    image = rng.choices((0, 1, 2), weights=(25, 20, 55))[0]
    if image:
        caption = _fill(rng, rng.choice(CAPTIONS), topic)
        exp["image_credit"] = _fill(rng, rng.choice(CREDITS), topic)
        if image == 2:
            exp["image_alt"] = _fill(rng, rng.choice(ALTS), topic)
            lines.append(str(exp["image_alt"]))
        exp["image_caption"] = caption
        lines += [caption, f"(Image credit: {exp['image_credit']})"]
    byline = rng.choices(("none", "bare", "named"), weights=(30, 50, 20))[0]
    if byline != "none":  # a name and a timestamp may each follow their label
        when = date - dt.timedelta(days=rng.choice((0, 0, 1)))
        stamp = f" {when.day} {MONTHS[when.month - 1]} {when.year}"
        named = byline == "named"
        stamp = stamp if named == (rng.random() < 0.9) else ""
        lines += ["By" + (f" {author}" if named else ""), "published" + stamp]
        exp["author"] = author if named else None
    if image or byline != "none":
        lines.append("")

    # Body, with promotional blocks in the gaps after paragraphs (the last gap is before the paywall).
    paras = [_paragraph(rng, topic) for _ in range(round(rng.triangular(2, 12, 11)))]
    truncated = rng.random() < 0.3
    kept = paras[:rng.randint(1, min(6, len(paras)))] if truncated else paras
    blocks = [] if rng.random() < 0.15 else [_promo(rng, us) for _ in range(rng.randint(1, 3))]
    gaps: dict[int, list[list[str]]] = {}
    for block in blocks:
        for _ in range(2 if rng.random() < 0.2 else 1):  # sometimes repeated
            gaps.setdefault(rng.randrange(len(kept)), []).append(block)
    for i, para in enumerate(kept):
        lines += [para + (" " if rng.random() < 0.05 else ""), ""]
        for block in gaps.get(i, []):
            lines += [*block, ""]
    exp["body"] = "\n\n".join(kept)
    if truncated:
        exp["truncated"] = True
        if lines[-2:] == ["Sign up", ""] and rng.random() < 0.7:
            lines.pop()  # `Sign up` directly above the paywall, as on the real site
        paywall = list(PAYWALL)
        if us:
            paywall[4] = "Already a subscriber?"
        lines += paywall
    # Signature and bio; a paywalled page runs straight on to the signature.
    if rng.random() < 0.75:
        pub = "The Week US" if us else "The Week UK"
        exp["author"] = exp["author"] or author
        exp["publication"] = pub
        if lines[-2:] == ["Sign up", ""] and rng.random() < 0.5:
            lines.pop()  # the last promotional button directly above the signature
        lines += [f"{author}, {pub}", ""]
        if rng.random() < 0.7:
            exp["author_bio"] = bio = _fill(rng, rng.choice(BIOS), topic, person=author)
            pad = rng.choice(("", "", " ", f"{NBSP}  ", f"{NBSP}{NBSP}"))
            lines += [f"{pad}{bio}{NBSP if pad.startswith(NBSP) else ''}", ""]
    elif truncated:
        lines.append("")
    if rng.random() < 0.7:
        lines += list(FOOTER)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n", exp


def encode_page(rng: random.Random, text: str) -> bytes:
    """UTF-8 bytes of a page, sometimes with CRLF line ends, a BOM, or no final newline."""
    if rng.random() < 0.25:
        text = text.rstrip("\n")
    if rng.random() < 0.12:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if rng.random() < 0.06 else b"") + text.encode("utf-8")


def make_bad_page(rng: random.Random, kind: str) -> bytes:
    """A page the parser must refuse; `kind` is one of BAD_KINDS (the expected code is its value)."""
    if kind == "empty":
        return b""
    if kind == "whitespace":
        return rng.choice((b"\n", b"  \n\n\t\n", b"\r\n \r\n", b"\xc2\xa0\n \n"))
    if kind == "binary":
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(rng.randint(64, 400)))
    text, exp = make_page(rng, index=rng.randrange(len(TOPICS)))
    header, rest = text.split("\n", 1)
    lead = header[:len(header) - len(header.lstrip())]
    d = dt.date.fromisoformat(str(exp["date"]))
    if kind == "latin1":
        return (f"date {d} Café owners in {rng.choice(PLACES)} count the cost\n" + rest).encode("latin-1", "replace")
    if kind == "no-header":
        header = f"{lead}{exp['title']}"
    elif kind == "malformed-header":
        header = f"{lead}date {d.day:02d}/{d.month:02d}/{d.year} {exp['title']}"
    elif kind == "impossible-date":
        bad = rng.choice(("2024-13-45", f"{d.year}-{rng.randint(13, 19)}-{d.day:02d}", f"{d.year}-02-30",
                          f"{d.year}-{d.month:02d}-{rng.randint(32, 45)}"))
        header = f"{lead}date {bad} {exp['title']}"
    elif kind == "no-title":
        header = f"{lead}date {d}" + rng.choice(("", " ", "   "))
    elif kind == "no-body":
        body = [ln for block in (_promo(rng, False), _promo(rng, True)) for ln in [*block, ""]]
        rest = "\n".join(["", *body, *(PAYWALL if rng.random() < 0.6 else ()), "", *FOOTER]) + "\n"
        header = f"{lead}date {d} {exp['title']}"
    else:
        raise ValueError(f"unknown bad page kind {kind!r}; expected one of {', '.join(BAD_KINDS)}")
    return encode_page(rng, header + "\n" + rest)


def write_corpus(out_dir: str | Path, n: int, seed: int = 0, dup_rate: float = 0.01,
                 bad_rate: float = 0.01) -> dict[str, int]:
    """Write n pages as `YYYY/MM/NNNNNN.txt` (folder from the page's date) with exact duplicates
    and bad pages at the given rates; the same arguments always give the same bytes."""
    rng = random.Random(seed)
    out = Path(out_dir)
    counts = {"files": 0, "good": 0, "duplicates": 0, "bad": 0, "truncated": 0}
    written: list[tuple[str, bytes]] = []  # (folder, bytes) of the good pages
    for i in range(n):
        roll = rng.random()
        if roll < bad_rate:
            data = make_bad_page(rng, rng.choice(list(BAD_KINDS)))
            folder, kind = _date(rng).strftime("%Y/%m"), "bad"
        elif roll < bad_rate + dup_rate and written:
            folder, data = rng.choice(written)
            kind = "duplicates"
        else:
            text, exp = make_page(rng, index=i)
            data = encode_page(rng, text)
            folder, kind = str(exp["date"])[:7].replace("-", "/"), "good"
            written.append((folder, data))
            counts["truncated"] += bool(exp["truncated"])
        path = out / folder / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        counts[kind] += 1
        counts["files"] += 1
    return counts


def write_bad(out_dir: str | Path, seed: int = 0) -> dict[str, int]:
    """Write one page of each bad kind, named by its kind (`impossible-date.txt`, ...)."""
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for kind in BAD_KINDS:
        (out / f"{kind}.txt").write_bytes(make_bad_page(rng, kind))
    return {"files": len(BAD_KINDS), "bad": len(BAD_KINDS)}


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m newsset.synth OUT_DIR --n N --seed S [--dup-rate R] [--bad-rate R] [--bad-only]`."""
    ap = argparse.ArgumentParser(prog="python -m newsset.synth",
                                 description="Write a seeded synthetic corpus of raw pages (invented text).")
    ap.add_argument("out_dir", type=Path, help="folder to write into (created if missing)")
    ap.add_argument("--n", type=int, default=100, help="number of files (default 100)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--dup-rate", type=float, default=0.01, help="share of exact duplicate files (default 0.01)")
    ap.add_argument("--bad-rate", type=float, default=0.01, help="share of bad pages (default 0.01)")
    ap.add_argument("--bad-only", action="store_true", help="write one bad page per kind, named by kind")
    args = ap.parse_args(argv)
    if args.n < 0 or not (0 <= args.dup_rate <= 1 and 0 <= args.bad_rate <= 1):
        ap.error("--n must be >= 0 and the rates between 0 and 1")
    if args.bad_only:
        counts = write_bad(args.out_dir, args.seed)
    else:
        counts = write_corpus(args.out_dir, args.n, args.seed, args.dup_rate, args.bad_rate)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
