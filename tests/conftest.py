"""Shared fixtures: small hand-written pages in the raw format, written to tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# The suite's property tests draw the same examples on every run (a fresh clone's CI is not red by
# chance); `HYPOTHESIS_PROFILE=explore` draws new ones each run, as `nox -s fuzz` does for bytes.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

SHARED = Path(__file__).resolve().parents[2] / "shared"


def page(title: str = "Ministers agree a new plan for rail fares", date: str = "2024-03-05",
         paragraphs: tuple[str, ...] = ("The first paragraph of the story says what happened.",
                                        "A second paragraph adds the detail that readers want."),
         standfirst: str | None = "A short standfirst with no final stop",
         signature: str | None = "Ada Example, The Week UK", bio: str | None = "Ada writes about transport.",
         paywall: bool = False) -> str:
    """A page in the raw format with the given parts (None leaves a part out)."""
    lines = [f" date {date} {title}", ""]
    if standfirst:
        lines += [standfirst, ""]
    lines += ["A train at a platform", "Commuters wait for a delayed service",
              "(Image credit: Invented Photo Agency)", "By", "published", ""]
    for i, p in enumerate(paragraphs):
        lines += [p, ""]
        if i == 0:
            lines += ["Subscribe to The Week", "", "SUBSCRIBE & SAVE", ""]
    if paywall:
        lines += ["To continue reading this article...", "Continue reading this article and get limited website "
                  "access each month.", "Not sure which email you used for your subscription? Contact us"]
    if signature:
        lines += [signature, ""]
        if bio:
            lines += [f"\u00a0{bio}\u00a0", ""]
    lines += ["Latest", "You might also like", "View More \u25b8"]
    return "\n".join(lines)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with 6 good pages, one bad page and one exact duplicate (in a subfolder)."""
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for i in range(6):
        text = page(title=f"Story number {i} about the economy", date=f"2024-0{i + 1}-1{i}",
                    paragraphs=(f"Paragraph one of story {i}.", f"Paragraph two of story {i}, with more."))
        (raw / f"story-{i}.txt").write_text(text, encoding="utf-8")
    (raw / "sub" / "copy-of-story-2.txt").write_bytes((raw / "story-2.txt").read_bytes())
    (raw / "broken.txt").write_text(" date 2024-13-45 An impossible day\n\nBody.\n", encoding="utf-8")
    return raw


@pytest.fixture
def sigint_default() -> Iterator[None]:
    """Python's own Ctrl-C handler for the test, whatever the suite started with: a suite run in the
    background (`cmd &` in a script) starts with SIGINT ignored, and Python then installs no handler."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
