"""Seed inputs for the fuzz targets, generated at run time from `newsset.synth` (so the repo holds
only the few hand-written pages in `fuzz/seeds/`).

Good seeds matter more than time: coverage-guided mutation starts from pages that already reach
the image block, byline, paywall and signature code, and from records one mutation away from
every schema keyword.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

from newsset import synth
from newsset.parse import parse_bytes

__all__ = ["mutate_lines", "page_seeds", "record_seeds", "write_seeds"]

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"


def _hand_written(suffix: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted(SEEDS.glob(f"*{suffix}"))]


def page_seeds(n: int = 120, seed: int = 0) -> list[bytes]:
    """Synthetic good pages (with CRLF/BOM/no-final-newline variants), one bad page per kind, and
    the hand-written pages."""
    rng = random.Random(seed)
    out = _hand_written(".txt")
    for i in range(n):
        text, _ = synth.make_page(rng, index=i)
        out.append(synth.encode_page(rng, text))
    out += [synth.make_bad_page(rng, kind) for kind in synth.BAD_KINDS]
    return out


def _mutants(rec: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Records one step from valid: each schema keyword broken once."""
    keys = list(rec)
    out: list[dict[str, Any]] = [dict(rec)]
    drop = dict(rec)
    drop.pop(rng.choice(keys))
    out.append(drop)
    out.append({**rec, "extra": rng.choice([1, "x", None, [], {}])})
    out.append({**rec, rng.choice(keys): rng.choice([0, 1.5, True, None, [], {"a": 1}, "", "x" * 40])})
    out.append({**rec, "date": rng.choice(["2024-02-30", "2024-1-01", "20240101", "0001-01-01", "9999-12-31",
                                           "2024-01-01T00:00:00", "2023-02-29", "2024-13-01"])})
    out.append({**rec, "id": rng.choice(["", "A" * 32, "0" * 31, "0" * 33, "g" * 32])})
    out.append({**rec, "title": "", "body": ""})
    out.append({**rec, "truncated": rng.choice([0, 1, "true", None])})
    return out


def record_seeds(n: int = 40, seed: int = 0) -> list[bytes]:
    """JSONL lines: parsed synthetic records and their mutants, escapes, non-objects, broken JSON,
    and the hand-written lines of `fuzz/seeds/*.jsonl`."""
    rng = random.Random(seed)
    out = [ln for blob in _hand_written(".jsonl") for ln in blob.splitlines() if ln.strip()]
    for i in range(n):
        text, _ = synth.make_page(rng, index=i)
        rec = parse_bytes(text.encode("utf-8"), f"2024/{i:06d}.txt").to_dict()
        for m in _mutants(rec, rng):
            out.append(json.dumps(m, ensure_ascii=rng.random() < 0.3).encode("utf-8"))
    out += [b'{"title": "\\ud800"}', b'{"id": "\\udc00\\ud800"}', b"[]", b"1", b'"s"', b"null", b"{",
            b'{"a": [[[[[[[[]]]]]]]]}', b'{"a": 1e999}', b'{"a": NaN}', b'{"a": 123456789012345678901234567890}',
            b"\xef\xbb\xbf{}", b"{}\n{}\n", b'{"a": "\xff"}']
    return out


#: Whole lines the page layout gives meaning to; the line mutator splices them in.
LINES = (*synth.PAYWALL, *synth.FOOTER, "Subscribe to The Week", "SUBSCRIBE & SAVE", "Sign up", "By", "published",
         "By Ada Example", "published 3 May 2024", "(Image credit: Example Agency)", "(Image credit:)",
         "Ada Example, The Week UK", "date 2024-02-29 A title", "date 2024-13-45 X", "date", "",
         "https://cdn.example.net/a.jpg", "Sign up for The Week\u2019s Free Newsletters", "\u00a0A bio.\u00a0")
_SPACES = (" ", "\t", "\u00a0", "\u3000", "\x0b", "\x0c", "\x1c", "\u2028", "\u0085")


def mutate_lines(data: bytes, max_size: int, rng: random.Random) -> bytes:
    """One line-level mutation of a page: what byte mutators rarely make in one step (a whole
    boilerplate line, a line indented by hundreds of spaces, two lines swapped, CRLF ends)."""
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    op = rng.randrange(7)
    if op == 0:
        lines.insert(i, rng.choice(LINES))
    elif op == 1:  # indent, or pad inside, by a run of (Unicode) whitespace
        pad = rng.choice(_SPACES) * rng.choice((1, 2, 40, 200, 400))
        if rng.random() < 0.5 or " " not in lines[i]:
            lines[i] = pad + lines[i]
        else:
            lines[i] = lines[i].replace(" ", pad, 1)
    elif op == 2:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif op == 3 and len(lines) > 1:
        del lines[i]
    elif op == 4:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 5:
        lines[i] = lines[i] + rng.choice(_SPACES) * rng.randint(1, 3)
    else:
        bom = "\ufeff" if rng.random() < 0.3 else ""
        return (bom + text.replace("\n", "\r\n")).encode("utf-8", "surrogateescape")[:max_size]
    return "\n".join(lines).encode("utf-8", "surrogateescape")[:max_size]


def write_seeds(folder: Path, seeds: list[bytes]) -> int:
    """Write seeds as content-named files (re-running adds nothing twice); returns how many are new."""
    folder.mkdir(parents=True, exist_ok=True)
    new = 0
    for data in seeds:
        p = folder / hashlib.sha1(data).hexdigest()
        if not p.exists():
            p.write_bytes(data)
            new += 1
    return new
