"""The record newsset produces from one raw page, and the stable id it is known by."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Issue

__all__ = ["FIELDS", "Article", "article_id", "nfc_article_id"]

#: Keys of a record, in the order of the bundled schema (and of the Parquet columns).
FIELDS: tuple[str, ...] = (
    "id", "date", "title", "subtitle", "author", "publication", "author_bio",
    "image_alt", "image_caption", "image_credit", "body", "truncated", "source", "source_sha256",
)

ID_VERSION = "newsset-id-v1"


def article_id(date: str, title: str, body: str) -> str:
    """Content id: sha256 over NFC(date, title, body), 32 hex digits.

    Derived from content, not from the file name, so that one article scraped twice (other
    path, other line endings, other promotional blocks) gets one id.
    """
    key = "\x1f".join((ID_VERSION, date, title, body))
    if not key.isascii() and not unicodedata.is_normalized("NFC", key):
        key = unicodedata.normalize("NFC", key)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def nfc_article_id(date: str, title: str, body_utf8: bytes) -> str:
    """`article_id` of NFC text, given the body's UTF-8 (the parser has both): no second NFC check
    or encoding of the body. Separating NFC parts by U+001F, which composes with nothing, keeps
    the key NFC. (surrogatepass: valid text encodes the same; a lone surrogate, which `check`
    reports, cannot stop the hash.)"""
    h = hashlib.sha256(f"{ID_VERSION}\x1f{date}\x1f{title}\x1f".encode("utf-8", "surrogatepass"))
    h.update(body_utf8)
    return h.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Article:
    """One parsed article. `lines` maps a field to the 1-based line it came from; `issues` holds the
    warnings about its text (mojibake, bidi controls). Neither is written out."""

    id: str
    date: str
    title: str
    subtitle: str | None
    author: str | None
    publication: str | None
    author_bio: str | None
    image_alt: str | None
    image_caption: str | None
    image_credit: str | None
    body: str
    truncated: bool
    source: str
    source_sha256: str
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    issues: tuple[Issue, ...] = field(default=(), compare=False, repr=False)
    body_utf8: bytes | None = field(default=None, compare=False, repr=False)  # the body's UTF-8, when known
    # The page held no character NFC or case folding might change (`text.specials`): nor does the body.
    body_plain: bool = field(default=False, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the schema's keys, in schema order."""
        return {k: getattr(self, k) for k in FIELDS}
