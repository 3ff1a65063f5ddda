"""Pages built to be slow parse in time linear in their size.

A page may be up to 8 MiB (`archives.MAX_PAGE_BYTES`); a rule that compares each line with every
line before it turns such a page into hours of work, and a hostile file in a folder into a build
that never ends. Each shape here is a repeated structure that once was (or could be) quadratic.

Not a speed target (those are `nox -s bench`'s): the check is the growth of the parser's CPU time
when the page grows eightfold, which is about 8 for linear work and 64 for quadratic, on any
machine. The pages are sized so the smaller one takes tens of milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from newsset import parse_bytes
from newsset.errors import ParseError

HEADER = " date 2024-01-01 A headline for a page built to be slow\n\n"
PARA = "An ordinary paragraph of body text, long enough to read as one, that ends as prose does."


def _authors(n: int) -> str:
    """Thousands of author boxes, each with its bio (co-authors were kept in a list: each new name
    was compared with all before it, and each bio paragraph too)."""
    return HEADER + PARA + "\n\n" + "\n\n".join(f"Writer Number{i}, The Week UK\n\nWriter {i} writes about "
                                                 f"things." for i in range(n))


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {  # shape -> (page of n repetitions, n for the small page)
    "author boxes": (_authors, 2000),
}


def _cpu(text: str) -> float:
    raw = text.encode("utf-8")
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        try:
            parse_bytes(raw, "hostile.txt")
        except ParseError:
            pass
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_page_eight_times_larger_takes_about_eight_times_longer(shape: str) -> None:
    make, n = SHAPES[shape]
    small, large = _cpu(make(n)), _cpu(make(8 * n))
    # (linear: ~8; quadratic: ~64. The small page's time is floored at 5 ms, against a coarse clock.)
    assert large / max(small, 0.005) < 24, f"{shape}: {small:.3f} s, then {large:.3f} s for 8x the page"
