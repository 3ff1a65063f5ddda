"""Raw page bytes -> text: strict UTF-8 with located errors, refusals of binary files and wide
encodings, a BOM and CR line ends dropped, NFC, and the facts about the text the parser uses later
(may it hold mojibake or bidi controls? characters NFC or case folding would change? invisible ones?)."""

from __future__ import annotations

from . import text as _text
from .boilerplate import INVISIBLE_RE
from .errors import Issue, ParseError
from .text import nfc, nfc_inert

__all__ = ["decode_raw", "file_signature", "line_ends", "signature_hint", "wide_encoding", "wide_issue"]


def wide_encoding(raw: bytes) -> str | None:
    """"UTF-32" or "UTF-16" for text in either (by its byte-order mark, or for mostly-ASCII text
    without one, by NUL in nearly all of three bytes in four, or of every other byte), else None."""
    head = raw[:512]
    if b"\x00" not in head and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return None  # (every page that is UTF-8 text)
    if raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    if len(head) < 8:
        return None

    def nul(k: int, step: int) -> bool:
        part = head[k::step]
        return part.count(0) >= 0.9 * len(part)

    def ink(k: int, step: int) -> bool:  # (the text's own bytes: a block of NULs alone, a crash-zeroed
        part = head[k::step]             # start of a file, is no wide text but bad bytes, refused line by line)
        return part.count(0) < 0.5 * len(part)

    if nul(1, 4) and nul(2, 4) and ((nul(3, 4) and ink(0, 4)) or (nul(0, 4) and ink(3, 4))):
        return "UTF-32"
    return "UTF-16" if (nul(0, 2) and ink(1, 2)) or (nul(1, 2) and ink(0, 2)) else None


def wide_issue(wide: str, path: str) -> Issue:
    """The refusal of a file in UTF-16 or UTF-32 (one for the file: its lines are no UTF-8 lines)."""
    return Issue("input.encoding", f"expected UTF-8, got {wide} text (a {wide} byte-order mark or "
                 f"{'three bytes in four' if wide == 'UTF-32' else 'every other byte'} NUL); not read further",
                 path, 1, 1, expected="UTF-8", got=wide,
                 hint=f"re-save the file as UTF-8 (for example `iconv -f {wide.lower()} -t utf-8`)")


# File signatures of the binary files most often saved under a .txt name.
_MAGIC = ((b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"),
          (b"MM\x00*", "a TIFF image"), (b"PK\x03\x04", "a ZIP archive (or .docx, .xlsx, .epub)"),
          (b"PK\x05\x06", "an empty ZIP archive"), (b"\x1f\x8b", "gzip data"), (b"\xfd7zXZ\x00", "xz data"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
          (b"\x28\xb5\x2f\xfd", "zstd data"), (b"BZh", "bzip2 data"))
#: The signatures of compressed data and archives (from `_MAGIC`): not images to remove.
_PACKED = frozenset(kind for _, kind in _MAGIC if kind.endswith((" data", "archive", "(or .docx, .xlsx, .epub)")))
#: What a file of compressed data is told: the suffix decides how newsset reads a file.
_COMPRESSED_HINT = ("compressed data: newsset reads records compressed as .jsonl.gz or .jsonl.zst (.ndjson too), and "
                    "pages in .tar, .tar.gz, .tgz or .zip archives: give the file the suffix its content has, or "
                    "recompress it (e.g. `xz -dc f.jsonl.xz | gzip > f.jsonl.gz`)")
_MAGIC_FIRST = frozenset({m[:1] for m, _ in _MAGIC} | {b"R"})  # R: RIFF (WebP)
_SNIFF = 8192  # bytes looked at for control characters
# Every byte but the C0 controls other than tab, LF, VT, FF, CR (and DEL): deleting them counts the controls.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in b"\t\n\x0b\x0c\r" or b == 127))
_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\n\x0b\x0c\r"  # ASCII text bytes: deleting them leaves the rest
_HIGH = bytes(range(0x80, 0x100))


def file_signature(head: bytes) -> str | None:
    """What a known file signature at the start of `head` says the file is (an image, a PDF, an
    archive ...), or None."""
    if head[:1] not in _MAGIC_FIRST:  # text: ruled out by its first byte
        return None
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "a WebP image" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None


def signature_hint(kind: str) -> str:
    """The hint for a file whose signature says `kind`: compressed data is renamed, not removed."""
    return _COMPRESSED_HINT if kind in _PACKED else ""


def _control_share(head: bytes) -> str | None:
    """A description when more than 10% of the first 8 KiB are C0 controls (other than tab and line ends)."""
    sample = head[:_SNIFF]
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls * 10 > len(sample):
        return f"binary data ({controls} of its first {len(sample)} bytes are control characters)"
    return None


def locate(raw: bytes, at: int) -> tuple[int, int, str]:
    """(line, column, text before) of byte offset `at`, by the line rule of `decode_raw`.

    A line ends at `\\n`, `\\r\\n` or a lone `\\r`; the column counts characters (an undecodable
    byte counts as one) from 1, as editors show them.
    """
    head = raw[:at]
    line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    before = head[max(head.rfind(b"\n"), head.rfind(b"\r")) + 1:].decode("utf-8", "replace")
    return line, len(before) + 1, before


def decode_raw(raw: bytes, path: str) -> tuple[str, bool, bool, bool]:
    """(text, may hold mojibake or bidi controls (`newsset.text`), plain: no character NFC or case
    folding might change (`text.specials`), may hold invisible characters (`INVISIBLE_CHARS`;
    looked for among the few non-ASCII characters, not in the whole text)).

    UTF-8 bytes -> NFC text with `\\n` line ends and no BOM; refuses empty, binary and non-UTF-8
    input. The line rule: a line ends at `\\n`, `\\r\\n` or a lone `\\r` (all become `\\n`, and every
    line number newsset reports counts lines this way). U+2028, U+2029, U+0085, form feed and
    vertical tab do not end a line: they stay in the text as written (white space inside a paragraph).
    """
    kind = file_signature(raw[:16])
    if kind is not None:
        raise ParseError(Issue("input.binary", f"expected UTF-8 text, got {kind} (its file signature starts the "
                               "file)", path, 1, expected="UTF-8 text", got=kind, hint=signature_hint(kind)))
    wide = wide_encoding(raw)
    if wide is not None:
        raise ParseError(wide_issue(wide, path))
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line, column, _ = locate(raw, at)
        raise ParseError(Issue("input.binary", f"expected text, got a NUL byte at offset {at}", path, line, column,
                               expected="UTF-8 text", got="binary data"))
    rest = raw.translate(None, _PLAIN)  # the control characters and the non-ASCII bytes, in order
    kind = _control_share(raw[:_SNIFF]) if rest.translate(None, _HIGH) else None
    if kind is not None:
        raise ParseError(Issue("input.binary", f"expected UTF-8 text, got {kind}", path, 1,
                               expected="UTF-8 text", got="control characters"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line, column, before = locate(raw, e.start)
        raise ParseError(Issue("input.encoding", f"expected UTF-8, got byte 0x{raw[e.start]:02x} that UTF-8 "
                               f"cannot decode (line {line}, column {column}, after {before[-20:]!r})", path, line,
                               column, expected="UTF-8", got=f"0x{raw[e.start]:02x}")) from None
    text = line_ends(text, b"\r" in raw)  # (the CR test on the bytes: memchr, not a str scan)
    nonascii = rest.decode("utf-8")  # valid: a UTF-8 sequence holds no ASCII byte
    suspect, plain = False, True
    if nonascii:
        found = _text.specials(nonascii)
        plain = not found
        normal = text if nfc_inert(nonascii, found) else nfc(text)
        if normal is not text:  # NFC changed it: look at the new text's bytes
            text, suspect = normal, _text.suspicious(normal.encode("utf-8"))
        else:
            suspect = _text.suspicious(raw, rest, nonascii)
    if not text or text.isspace():  # not text.strip(), without copying the page
        raise ParseError(Issue("input.empty", "expected an article, got an empty file" if not text
                               else "expected an article, got only whitespace", path,
                               max(1, text.count("\n") + (0 if text.endswith("\n") else 1)) if text else 1))
    # (a BOM that opened the file is gone from the text)
    invisible = bool(nonascii) and (INVISIBLE_RE.search(nonascii) is not None or (
        "\ufeff" in nonascii and nonascii.count("\ufeff") > raw.startswith(b"\xef\xbb\xbf")))
    return text, suspect, plain, invisible


def line_ends(text: str, has_cr: bool | None = None) -> str:
    """No leading BOM, and `\\n` line ends (see `decode_raw`); `has_cr`: whether the text holds a
    `\\r`, when the caller knows."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if ("\r" in text) if has_cr is None else has_cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
