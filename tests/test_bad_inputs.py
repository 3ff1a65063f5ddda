"""Bad inputs newsset must survive (reliability checklist A4): one test per row of the issue.

Each row's bad input gives a located issue with its own code (or a documented warning), is
quarantined in rejects.jsonl when it is an error, and never stops the run: a build with the bad
input beside good pages accounts for every input (rows + rejects == inputs).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsset
from newsset import archives, check, reading
from newsset import text as text_mod
from newsset.check import iter_items
from newsset.dedup import normalize_body
from newsset.errors import ConfigError
from newsset.pipeline import BuildResult
from newsset.sources import Source
from tests.conftest import page


def good(i: int) -> str:
    """A valid page whose body differs from every other `good(j)` (so no duplicate rejects)."""
    return page(title=f"Story {i} about the regional rail budget", date=f"2024-0{i % 9 + 1}-1{i % 10}",
                paragraphs=(f"Paragraph one of story {i} says what happened.",
                            f"Paragraph two of story {i} adds the detail that readers want."))


def record(i: int) -> dict[str, Any]:
    return newsset.parse_text(good(i), f"r{i}.txt").to_dict()


def refused(raw: bytes) -> newsset.ParseError:
    with pytest.raises(newsset.ParseError) as info:
        newsset.parse_bytes(raw, "bad.txt")
    return info.value


def items(path: Path, kind: str = "page", **kw: Any) -> list[check.Item]:
    return list(iter_items(Source(path.name, str(path), kind), newsset.load_schema(), **kw))  # type: ignore[arg-type]


def write(folder: Path, name: str | bytes, data: bytes) -> None:
    target = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else str(folder / name)
    with open(target, "wb") as fh:
        fh.write(data)


def build_with(tmp_path: Path, files: dict[str | bytes, bytes], inputs: int, **kw: Any) \
        -> tuple[BuildResult, list[dict[str, Any]]]:
    """Build two good pages plus `files`; check that every one of `inputs` is a row or a reject."""
    src = tmp_path / "in"
    src.mkdir(parents=True, exist_ok=True)
    for i in range(2):
        write(src, f"good-{i}.txt", good(i).encode())
    for name, data in files.items():
        write(src, name, data)
    out = tmp_path / "out"
    result = newsset.build([src], out, **kw)
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text("utf-8").splitlines()]
    assert result.inputs == inputs
    assert result.total_rows + result.total_rejected == result.inputs
    assert len(rejects) == result.total_rejected and result.total_rows >= 2
    return result, rejects


def rows(out: Path) -> list[dict[str, Any]]:
    return [r for f in sorted((out / "data").glob("*.parquet")) for r in pq.read_table(f).to_pylist()]


def same_record(a: newsset.Article, b: newsset.Article) -> bool:
    return {k: v for k, v in a.to_dict().items() if k != "source_sha256"} == \
        {k: v for k, v in b.to_dict().items() if k != "source_sha256"}


def physical_lines(raw: bytes) -> list[bytes]:
    """The documented line rule: a line ends at \\n, \\r\\n or a lone \\r (nothing else)."""
    return re.split(rb"\r\n|\r|\n", raw)


# ---------------------------------------------------------------- 1. empty and whitespace-only files


@pytest.mark.parametrize("raw, line", [(b"", 1), (b"   ", 1), (b" \n\t\n\n", 3), (b"\r\n\r\n \r\n", 3),
                                       (b"\n\r\n\r", 3), ("\u00a0\n \u3000\n".encode(), 2)])
def test_row01_empty_and_whitespace_only_files(raw: bytes, line: int, tmp_path: Path) -> None:
    e = refused(raw)
    last = len(physical_lines(raw)) - (raw[-1:] in (b"\n", b"\r"))  # the last line, by the documented rule
    assert e.code == "input.empty" and e.line == line == max(1, last)
    _, rejects = build_with(tmp_path, {"empty.txt": raw}, inputs=3)
    assert [(r["source"], r["code"], r["line"]) for r in rejects] == [("empty.txt", "input.empty", line)]


# ---------------------------------------------------------------- 2. binary files


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", good(5))
    return buf.getvalue()


BINARY = {
    "nul": (b"date 2024-01-01 A title\r\n\r\nab\x00cd\n", 3, "NUL"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", 1, "PDF"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", 1, "PNG"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", 1, "JPEG"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff", 1, "GIF"),
    "zip": (_zip(), 1, "ZIP"),
    "controls": (bytes(range(1, 9)) * 64 + b"date 2024-01-01 A title\n", 1, "control characters"),
}


@pytest.mark.parametrize("kind", sorted(BINARY))
def test_row02_binary_files(kind: str, tmp_path: Path) -> None:
    raw, line, what = BINARY[kind]
    e = refused(raw)
    assert e.code == "input.binary" and e.line == line and what in e.issue.message
    assert e.issue.expected == "UTF-8 text"
    # A record file that is really a PDF is one refusal, not one per line.
    (tmp_path / "doc.jsonl").write_bytes(BINARY["pdf"][0])
    assert [(i.line, i.issues[0].code) for i in items(tmp_path / "doc.jsonl", "jsonl")] == [(1, "input.binary")]
    _, rejects = build_with(tmp_path, {f"{kind}.txt": raw}, inputs=3)
    assert [(r["source"], r["code"], r["line"]) for r in rejects] == [(f"{kind}.txt", "input.binary", line)]


def test_row02_a_few_control_characters_do_not_make_text_binary() -> None:
    art = newsset.parse_bytes(good(1).replace("happened.", "happened.\x07\x0c").encode(), "a.txt")
    assert "\x07" in art.body


# ---------------------------------------------------------------- 3. invalid UTF-8


@pytest.mark.parametrize("bad", [b"\xff", b"\x80", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                                 b"\xe2\x82"], ids=["ff", "continuation", "truncated", "overlong", "surrogate",
                                                    "above-max", "cut-3-byte"])
def test_row03_invalid_utf8_is_located_at_its_first_bad_byte(bad: bytes, tmp_path: Path) -> None:
    head = "date 2024-01-01 Tïtle of the day\r\rNoël à Paris ".encode()  # two lone CRs: the bad byte is on line 3
    raw = head + bad + b" rest.\n"
    e = refused(raw)
    assert e.code == "input.encoding" and (e.line, e.issue.column) == (3, len("Noël à Paris ") + 1)
    assert f"line 3, column {len('Noël à Paris ') + 1}, after 'Noël à Paris '" in e.issue.message
    assert e.line == len(physical_lines(raw[:len(head)]))
    # In a record file: the line, and the column in characters.
    rec = json.dumps(record(7), ensure_ascii=False).encode()
    (tmp_path / "r.jsonl").write_bytes(rec + b"\n" + '{"title": "Café '.encode() + bad + b'"}\n')
    found = items(tmp_path / "r.jsonl", "jsonl")
    assert found[0].ok and (found[1].line, found[1].issues[0].code, found[1].issues[0].column) == \
        (2, "input.encoding", len('{"title": "Café ') + 1)
    result, rejects = build_with(tmp_path, {"latin1.txt": raw, "r.jsonl": (tmp_path / "r.jsonl").read_bytes()},
                                 inputs=5)
    assert sorted((r["source"], r["line"], r["code"]) for r in rejects) == [
        ("latin1.txt", 3, "input.encoding"), ("r.jsonl", 2, "input.encoding")]


# ---------------------------------------------------------------- 4. byte-order mark


def test_row04_bom_is_stripped_at_the_start_and_a_mid_text_one_is_zero_width(tmp_path: Path) -> None:
    text = good(3)
    with_bom = newsset.parse_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "a.txt")
    plain = newsset.parse_bytes(text.encode(), "a.txt")
    assert same_record(with_bom, plain) and with_bom.lines == plain.lines and not with_bom.title.startswith("\ufeff")
    mid = newsset.parse_bytes(text.replace("says what", "says\ufeff what").encode(), "a.txt")
    assert "says\ufeff what" in mid.body  # kept in the text ...
    assert normalize_body(mid.body) == normalize_body(plain.body)  # ... but not in the duplicate key
    # A record file may start with a BOM too: its first line still counts.
    (tmp_path / "r.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps(record(8)).encode() + b"\r\n")
    assert [i.ok for i in items(tmp_path / "r.jsonl", "jsonl")] == [True]
    # ... and so may every line of record files joined with cat.
    (tmp_path / "cat.jsonl").write_bytes(b"".join(b"\xef\xbb\xbf" + json.dumps(record(k)).encode() + b"\n"
                                                  for k in (11, 12, 13)))
    assert [i.ok for i in items(tmp_path / "cat.jsonl", "jsonl")] == [True, True, True]
    _, rejects = build_with(tmp_path, {"bom.txt": b"\xef\xbb\xbf" + good(3).encode(),
                                       "zw-copy.txt": good(0).replace("says what", "says\ufeff what").encode(),
                                       "r.jsonl": (tmp_path / "r.jsonl").read_bytes()}, inputs=5)
    assert [(r["source"], r["code"]) for r in rejects] == [("zw-copy.txt", "dataset.duplicate-body")]


# ---------------------------------------------------------------- 5. line ends


SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=12, max_size=12), st.integers(0, 4),
       st.sampled_from(["", *SEPARATORS]), st.sampled_from(["date", "utf8", "mojibake"]))
def test_row05_line_numbers_follow_the_documented_line_rule(ends: list[str], blanks: int, inner: str,
                                                            where: str) -> None:
    """Line ends are \\n, \\r\\n and lone \\r; U+2028, U+2029, U+0085, FF and VT are not."""
    date = "2024-13-45" if where == "date" else "2024-02-03"
    lines = [""] * blanks + [f"date {date} A title{inner}with a separator", "",
                             f"First{inner}paragraph of the story.", "", "Second paragraph, caf\u00c3\u00a9 MARK."]
    raw = "".join(ln + end for ln, end in zip(lines, ends)).encode()
    if where == "utf8":
        raw = raw.replace(b"MARK", b"\xff")
    physical = physical_lines(raw)
    if where == "date":
        e = refused(raw)
        line = next(i for i, ln in enumerate(physical) if b"date" in ln)
        assert e.code == "parse.invalid-date" and e.line == line + 1
    elif where == "utf8":
        e = refused(raw)
        line = next(i for i, ln in enumerate(physical) if b"\xff" in ln)
        assert e.code == "input.encoding" and e.line == line + 1
        before = physical[line][:physical[line].index(b"\xff")].decode()
        assert e.issue.column == len(before) + 1  # in characters, not bytes
    else:
        art = newsset.parse_bytes(raw, "p.txt")
        (issue,) = art.issues
        line = next(i for i, ln in enumerate(physical) if "caf\u00c3".encode() in ln)
        assert (issue.code, issue.line, issue.column) == ("text.mojibake", line + 1,
                                                         physical[line].decode().index("\u00c3") + 1)
        assert f"First{inner}paragraph of the story." in art.body.split("\n")  # the separator split nothing


def test_row05_crlf_lone_cr_and_unicode_separators_give_the_same_record(tmp_path: Path) -> None:
    text = good(4).replace("says what", "says\u2028what").replace("adds the", "adds\x85the")
    ref = newsset.parse_text(text, "p.txt")
    assert "says\u2028what" in ref.body and ref.body.count("\n\n") == 1
    for end in ("\r\n", "\r"):
        art = newsset.parse_bytes(text.replace("\n", end).encode(), "p.txt")
        assert same_record(art, ref) and art.lines == ref.lines
    _, rejects = build_with(tmp_path, {"crlf.txt": good(4).replace("\n", "\r\n").encode(),
                                       "cr.txt": good(5).replace("\n", "\r").encode(),
                                       "sep.txt": good(6).replace("says what", "says\u2029what").encode()}, inputs=5)
    assert rejects == []


# ---------------------------------------------------------------- 6. lone surrogates in records


def test_row06_lone_surrogates_in_records(tmp_path: Path) -> None:
    good_line = json.dumps(record(9))
    bad = [json.dumps({**record(10), "title": "T"}).replace('"T"', '"Caf\\udce9 owners"'),
           json.dumps({**record(11), "subtitle": "S"}).replace('"S"', '"\\ud800 half a pair"')]
    (tmp_path / "r.jsonl").write_text("\n".join([good_line, *bad]) + "\n")
    found = items(tmp_path / "r.jsonl", "jsonl")
    assert [(i.line, [(x.code, x.json_path) for x in i.issues]) for i in found] == [
        (1, []), (2, [("record.invalid-unicode", "$.title")]), (3, [("record.invalid-unicode", "$.subtitle")])]
    _, rejects = build_with(tmp_path, {"r.jsonl": (tmp_path / "r.jsonl").read_bytes()}, inputs=5)
    assert [(r["line"], r["code"]) for r in rejects] == [(2, "record.invalid-unicode"), (3, "record.invalid-unicode")]


# ---------------------------------------------------------------- 7. mojibake


def _cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: read as Latin-1, as browsers do
        return chr(b)


def mojibake(text: str) -> str:
    """`text` as UTF-8 bytes read as Windows-1252: the usual mojibake."""
    return "".join(map(_cp1252, text.encode("utf-8")))


CLEAN = page(title="Café owners count the cost of the heatwave", date="2024-07-02",
             paragraphs=("The café’s owner, Noémie Lefèvre, said “business is down”.",
                         "Sign up for The Week’s Free Newsletters",
                         "Trade fell 12% in Besançon — the worst summer since 2003."))
LEGIT = [
    "Le café de Noémie, à deux pas de l’église, ferme ses portes à la fin de l’été.",
    "« C’est très simple », a déclaré Hélène Dupré, maire d’Évreux.",
    "LE « CAFÉ » ET L’“ÉTÉ” : « À BIENTÔT ! »",
    "Die Straße „Über den Gräben“ in Köln wurde für Fußgänger geöffnet – endlich.",
    "GRÖSSE „MÜNCHEN“ UND „ÄRGER“ …",
    "O presidente disse: “A IRMÃ”, e a “MAÇÃ” custa R$ 5,00 — ótimo.",
    "A população de São Tomé e Príncipe votou; ações da Petrobrás subiram 3,5%.",
    "Tiếng Việt có dấu: Hà Nội, Đà Nẵng, Thành phố Hồ Chí Minh, người Việt Nam.",
    "ĐÀ NẴNG “VIỆT NAM” — Nguyễn Thị Minh Khai, Phở bò, Bánh mì.",
    "Temperatures hit 30°C; tickets cost £5, ½ off, ©2024 The Week™, a naïve façade.",
    "Ålborg “ØL” — Smørrebrød, Ñandú, “AÑO” ¿Qué? ¡Sí! Łódź, Kraków, İstanbul, Dvořák.",
    "3×½ cup, “ÉCOLE” «ÉTÉ» “ÉTÉ…” l’ÎLE “ÎLE” Œuvre “CŒUR”, Москва, Αθήνα, ירושלים, 東京 😀",
]


@pytest.mark.parametrize("sentence", LEGIT, ids=range(len(LEGIT)))
def test_row07_legitimate_text_is_not_mojibake(sentence: str, tmp_path: Path) -> None:
    art = newsset.parse_text(page(title=sentence[:60].strip(), paragraphs=(sentence, "Another paragraph.")))
    assert art.issues == ()
    (tmp_path / "r.jsonl").write_text(json.dumps({**record(12), "subtitle": sentence}, ensure_ascii=False) + "\n")
    assert [i.issues for i in items(tmp_path / "r.jsonl", "jsonl")] == [[]]


def test_row07_mojibake_is_flagged_never_silently_rewritten(tmp_path: Path) -> None:
    broken = "\n".join(mojibake(ln) if not ln.startswith(" date") else ln for ln in CLEAN.split("\n")).encode()
    clean = newsset.parse_text(CLEAN, "p.txt")
    art = newsset.parse_bytes(broken, "p.txt")
    assert art.body != clean.body and "caf\u00c3\u00a9\u00e2\u20ac\u2122s" in art.body  # kept as it is
    by_field = {i.json_path: i for i in art.issues}
    assert set(by_field) == {"$.subtitle", "$.image_alt", "$.image_caption", "$.body", "$.author_bio"} or \
        "$.body" in by_field
    body = by_field["$.body"]
    lines = broken.decode().split("\n")
    assert body.code == "text.mojibake" and body.severity == "warning" and body.line == art.lines["body"]
    assert body.column == lines[body.line - 1].index("\u00c3") + 1 and "'é'" in body.message
    # The fix (opt-in): with ftfy when installed, else by re-decoding what was found.
    for without_ftfy in (False, True):
        if without_ftfy:
            with pytest.MonkeyPatch.context() as mp:
                mp.setitem(sys.modules, "ftfy", None)  # import ftfy -> ImportError
                fixed = newsset.parse_bytes(broken, "p.txt", fix_mojibake=True)
        else:
            pytest.importorskip("ftfy")
            fixed = newsset.parse_bytes(broken, "p.txt", fix_mojibake=True)
        assert same_record(fixed, clean), without_ftfy  # the promo line is recognised and dropped once repaired
        assert {i.code for i in fixed.issues} == {"text.mojibake-fixed"}
        assert ("re-decoding" in fixed.issues[0].message) == without_ftfy


def test_row07_mojibake_in_records_and_builds(tmp_path: Path) -> None:
    rec = {**record(13), "title": mojibake("Café owners count the cost")}
    rec["id"] = newsset.article_id(rec["date"], rec["title"], rec["body"])  # (the exporter's id, of what it wrote)
    (tmp_path / "r.jsonl").write_text(json.dumps(record(14)) + "\n" + json.dumps(rec) + "\n")
    found = items(tmp_path / "r.jsonl", "jsonl")
    assert found[1].ok and [(i.code, i.line, i.json_path) for i in found[1].issues] == [("text.mojibake", 2, "$.title")]
    fixed = items(tmp_path / "r.jsonl", "jsonl", fix_mojibake=True)
    assert fixed[1].record is not None and fixed[1].record["title"] == "Café owners count the cost"
    # The repaired record no longer has the content id it came with: said, not rewritten.
    assert [i.code for i in fixed[1].issues] == ["record.id-mismatch", "text.mojibake-fixed"]
    page_raw = "\n".join(mojibake(ln) if "café" in ln else ln for ln in good(15).replace(
        "says what", "says the café’s what").split("\n")).encode()
    files = {"moji.txt": page_raw, "r.jsonl": (tmp_path / "r.jsonl").read_bytes()}
    _, rejects = build_with(tmp_path, files, inputs=5)
    assert rejects == []  # a warning does not reject
    assert any("caf\u00c3\u00a9" in r["body"] for r in rows(tmp_path / "out"))
    _, rejects = build_with(tmp_path / "fix", files, inputs=5, fix_mojibake=True)
    assert rejects == [] and not any("\u00c3" in str(r) for r in rows(tmp_path / "fix" / "out"))
    assert any("the café’s what" in r["body"] for r in rows(tmp_path / "fix" / "out"))


def test_row07_row09_twenty_thousand_findings_on_one_line_give_one_counted_warning_each() -> None:
    """A body line with 20,000 mojibake sequences and two bidi controls, 500 more body lines with
    one each, mojibake in the title, and 300 dropped teaser lines with mojibake after `Latest`: one
    warning per field and kind, at the first finding, counting the rest; every finding is located
    at its own column. (Locating them looked back to the line start and through every field for
    each finding: a 640 KB line took ~100 s.)"""
    word = mojibake("café") + " "  # 6 characters, the sequence at the 4th
    long_line = word * 20_000 + "\u202eend\u202c"
    paragraphs = (long_line, *(mojibake(f"Paragraph {i} says the café opened.") for i in range(500)))
    text = page(title=mojibake("Café owners count the cost"), paragraphs=paragraphs)
    teasers = [mojibake(f"Teaser {i} about the café") for i in range(300)]  # a related-articles list: dropped
    text = text.replace("\nLatest\n", "\nLatest\n" + "\n".join(teasers) + "\n")
    lines = text.split("\n")
    at = lines.index(long_line)
    art = newsset.parse_text(text, "p.txt")
    assert art.body.startswith(word * 3) and not any(t in art.body for t in teasers)
    got = [(i.code, i.line, i.column, i.json_path, i.got) for i in art.issues]
    assert got == [("text.mojibake", 1, len(" date 2024-03-05 ") + 4, "$.title", "\u00c3\u00a9"),
                   ("text.mojibake", at + 1, 4, "$.body", "\u00c3\u00a9"),
                   ("text.bidi-control", at + 1, 6 * 20_000 + 1, "$.body", "U+202E")]
    assert [i.message.count(" more") for i in art.issues] == [0, 1, 1]
    assert "and 20499 more in $.body" in art.issues[1].message and "and 1 more:" in art.issues[2].message
    found = text_mod.find(text)
    assert len(found) == 1 + 20_000 + 2 + 500 + 300
    located = text_mod.locate(text, found)
    assert [(i, col) for i, col, _ in located[1:4]] == [(at, 4), (at, 10), (at, 16)]
    assert located[12_345][:2] == (at, 6 * 12_344 + 4) and located[20_001][:2] == (at, 6 * 20_000 + 1)
    assert located[20_003][:2] == (lines.index(paragraphs[1]), 1 + len(mojibake("Paragraph 0 says the caf")))
    assert located[-1][:2] == (lines.index(teasers[-1]), 1 + len(mojibake("Teaser 299 about the caf")))
    fixed = newsset.parse_text(text, "p.txt", fix_mojibake=True)
    assert fixed.title == "Café owners count the cost" and fixed.body.startswith("café " * 3)
    assert [(i.code, i.line, i.column, i.json_path) for i in fixed.issues] == \
        [("text.mojibake-fixed", 1, 21, "$.title"), ("text.mojibake-fixed", at + 1, 4, "$.body"),
         ("text.bidi-control", at + 1, 6 * 20_000 + 1, "$.body")]
    assert "and 20499 more in $.body" in fixed.issues[1].message


def test_control_characters_are_located_warnings_in_pages_and_records(tmp_path: Path) -> None:
    """C0 controls (a terminal escape), DEL and C1 controls (a cp1252 byte read as Latin-1:
    `Don\u0092t`) were stored silently; they are `text.control` warnings at their line and
    column, the text left as it is, and text without them gives none."""
    title = "Don\u0092t panic: the \x1b[31mred\x1b[0m budget"
    text = page(title=title, paragraphs=("A clean first paragraph.", "Rates rose\x7f again, said the bank."))
    art = newsset.parse_bytes(text.encode(), "p.txt")
    assert art.title == title  # kept as written
    body_line = text.split("\n").index("Rates rose\x7f again, said the bank.") + 1
    got = [(i.code, i.severity, i.line, i.column, i.json_path, i.got) for i in art.issues]
    assert got == [("text.control", "warning", 1, 21, "$.title", "U+0092"),  # (the header line opens with a space)
                   ("text.control", "warning", body_line, 11, "$.body", "U+007F")]
    assert "stands for '\u2019'" in art.issues[0].message and "and 2 more" in art.issues[0].message
    assert not newsset.parse_bytes(page(title="Don\u2019t panic").encode(), "q.txt").issues
    rec = record(5)
    rec["author_bio"] = "Writes about \u001bnothing"
    (tmp_path / "r.jsonl").write_text(json.dumps(rec) + "\n" + json.dumps(record(6)) + "\n")
    report = newsset.validate_paths([tmp_path / "r.jsonl"])
    assert [(i.code, i.line, i.json_path) for i in report.issues] == [("text.control", 1, "$.author_bio")]
    assert report.valid  # a warning: the record is kept


MOJIBAKE_ALPHABET = st.sampled_from(sorted(set(text_mod._BYTE) | set("é’“”–—…àçôÃÂâ€™ aZ\u202e\u2066\u0301")))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET | st.characters(codec="utf-8"), max_size=40))
def test_row07_row09_the_byte_gates_never_miss_what_find_finds(s: str) -> None:
    """The cheap UTF-8 gates (on the bytes, and on the bytes less their ASCII) pass every text
    in which `find` finds mojibake or a bidi control; only then does `find` run."""
    data = s.encode()
    if text_mod.find(s):
        assert text_mod.suspicious(data) and text_mod.suspicious(data, data.translate(None, text_mod._PLAIN))
    lead_cont = [(c1 + c2) for c1, b1 in text_mod._BYTE.items() if 0xC2 <= b1 <= 0xF4
                 for c2, b2 in text_mod._BYTE.items() if 0x80 <= b2 <= 0xBF][:: 7]
    assert all(text_mod.suspicious(x.encode()) for x in lead_cont)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(sorted(set(text_mod._BYTE) | set("é’“”–—…àçôÃÂâ€™ aZ.\n\u202e\u2066"))), max_size=30),
       st.randoms(use_true_random=False))
def test_the_gate_on_bytes_less_their_ascii_answers_as_the_gate_on_the_bytes(chars: list[str], rnd: Any) -> None:
    """`suspicious(data, rest)` looks for the triples of `rest` in `data`: the same answer as
    searching `data`, also when ASCII sits between the bytes of a would-be sequence."""
    data = "".join(c + ("a" * rnd.randint(0, 1) if rnd.random() < 0.3 else "") for c in chars).encode()
    assert text_mod.suspicious(data, data.translate(None, text_mod._PLAIN)) == text_mod.suspicious(data)


# ---------------------------------------------------------------- 8. NFC


def test_row08_stored_text_is_nfc_and_nfd_input_gives_the_same_record(tmp_path: Path) -> None:
    text = page(title="Noël à Zürich: the café reopens", paragraphs=("Ångström and Đặng Thị Ngọc met in Hà Nội.",
                                                                     "Crème brûlée for everyone."))
    nfd, nfc = unicodedata.normalize("NFD", text), unicodedata.normalize("NFC", text)
    assert nfd != nfc
    a, b = newsset.parse_bytes(nfd.encode(), "p.txt"), newsset.parse_bytes(nfc.encode(), "p.txt")
    assert same_record(a, b) and a.lines == b.lines
    assert all(unicodedata.is_normalized("NFC", v) for v in a.to_dict().values() if isinstance(v, str))
    rec = {k: unicodedata.normalize("NFD", v) if isinstance(v, str) else v for k, v in record(16).items()}
    rec["title"] = unicodedata.normalize("NFD", "Café crème")
    (tmp_path / "r.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n")
    (item,) = items(tmp_path / "r.jsonl", "jsonl")
    assert item.ok and item.record is not None and item.record["title"] == "Café crème" == \
        unicodedata.normalize("NFC", item.record["title"])
    _, rejects = build_with(tmp_path, {"nfc.txt": nfc.encode(), "nfd.txt": nfd.encode(),
                                       "r.jsonl": (tmp_path / "r.jsonl").read_bytes()}, inputs=5)
    assert [(r["source"], r["code"]) for r in rejects] == [("nfd.txt", "dataset.duplicate-id")]
    assert any(r["title"] == "Café crème" for r in rows(tmp_path / "out"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("e\u0301a\u0308\u1100\u1161\u0b47\u0b3e\u212b")))
def test_row08_the_nfc_shortcut_is_never_wrong(s: str) -> None:
    """`nfc_inert` (no character of the text's non-ASCII part can change under NFC) implies NFC."""
    if text_mod.nfc_inert(s.encode().translate(None, text_mod._PLAIN).decode()):
        assert unicodedata.is_normalized("NFC", s)


# ---------------------------------------------------------------- 9. zero-width and bidi controls


def test_row09_bidi_controls_are_flagged_and_zero_width_characters_leave_only_the_dedup_key(tmp_path: Path) -> None:
    text = good(17).replace("says what", "says \u202ewhat\u202c")
    art = newsset.parse_text(text, "p.txt")
    (issue,) = art.issues
    line = text.split("\n").index(next(ln for ln in text.split("\n") if "\u202e" in ln))
    assert (issue.code, issue.severity, issue.line, issue.column, issue.json_path) == \
        ("text.bidi-control", "warning", line + 1, text.split("\n")[line].index("\u202e") + 1, "$.body")
    assert "\u202e" in art.body and "U+202E RIGHT-TO-LEFT OVERRIDE" in issue.message
    for zw in ("\u200b", "\u2060", "\ufeff"):
        assert normalize_body(f"zero{zw}width text") == normalize_body("zerowidth text")
    for joiner in ("\u200c", "\u200d"):  # ZWNJ, ZWJ: meaningful, kept in the key
        assert joiner.encode() in normalize_body(f"\u0645\u06cc{joiner}\u062e\u0648\u0627\u0647\u0645")
    zw = newsset.parse_text(good(0).replace("says what", "says\u200b what"), "zw.txt")
    assert "says\u200b what" in zw.body and zw.issues == ()
    _, rejects = build_with(tmp_path, {"bidi.txt": text.encode(),
                                       "zw-copy.txt": good(0).replace("says what", "says\u200b what").encode()},
                            inputs=4)
    assert [(r["source"], r["code"]) for r in rejects] == [("zw-copy.txt", "dataset.duplicate-body")]


# ---------------------------------------------------------------- 10. huge pages and record lines


def test_row10_a_50_mb_single_line_file_and_record_lines_over_the_cap(tmp_path: Path) -> None:
    size = 50 << 20
    assert size > archives.MAX_PAGE_BYTES
    with open(tmp_path / "huge.txt", "wb") as fh:
        fh.write(b"date 2024-01-01 " + b"x" * (size - 16))
    recs = [json.dumps(record(18)).encode(), b'{"title": "' + b"y" * size + b'"}', json.dumps(record(19)).encode()]
    with open(tmp_path / "huge.jsonl", "wb") as fh:
        fh.write(b"\n".join(recs) + b"\n")
    tracemalloc.start()
    try:
        (big_page,) = items(tmp_path / "huge.txt")
        _, page_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        lines = items(tmp_path / "huge.jsonl", "jsonl")
        _, line_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (big_page.line, big_page.issues[0].code, big_page.issues[0].got) == (1, "input.too-large", f"{size} bytes")
    assert page_peak < 1 << 20  # refused from its size: never read
    assert [(i.line, i.ok, i.issues[0].code if i.issues else None) for i in lines] == [
        (1, True, None), (2, False, "input.too-large"), (3, True, None)]  # the lines after it still count
    assert line_peak < 2 * archives.MAX_PAGE_BYTES + (4 << 20)
    _, rejects = build_with(tmp_path, {"huge.txt": (tmp_path / "huge.txt").read_bytes(),
                                       "huge.jsonl": (tmp_path / "huge.jsonl").read_bytes()}, inputs=6)
    assert sorted((r["source"], r["line"], r["code"]) for r in rejects) == [
        ("huge.jsonl", 2, "input.too-large"), ("huge.txt", 1, "input.too-large")]


# ---------------------------------------------------------------- 11. files that cannot be read


def test_empty_record_files_and_archives_are_rejected_not_lost(tmp_path: Path) -> None:
    import gzip
    import tarfile
    import zipfile

    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.jsonl").write_bytes(b"")
    (d / "blank.jsonl").write_text("\n  \n\n")
    (d / "empty.jsonl.gz").write_bytes(gzip.compress(b""))
    with zipfile.ZipFile(d / "empty.zip", "w"):
        pass
    with tarfile.open(d / "pictures.tar", "w") as tar:
        (tmp_path / "x.png").write_bytes(b"\x89PNG")
        tar.add(tmp_path / "x.png", "x.png")
    (d / "good.txt").write_text(good(50))
    report = newsset.validate_paths([d])
    assert sorted((Path(i.path).name, i.code, i.line) for i in report.issues) == [
        (n, "input.empty", 1) for n in ("blank.jsonl", "empty.jsonl", "empty.jsonl.gz", "empty.zip", "pictures.tar")]
    r = newsset.build([d], tmp_path / "out")
    assert r.inputs == 6 and r.rejected["input.empty"] == 5 and r.total_rows == 1


def test_empty_record_files_inside_archives_are_rejected_not_lost(tmp_path: Path) -> None:
    """An archive is not empty when it holds record files, but each of those can be: every member
    is an input and is accounted for, with its own located reject."""
    import gzip
    import tarfile
    import zipfile

    d = tmp_path / "in"
    d.mkdir()
    with zipfile.ZipFile(d / "scrape.zip", "w") as z:
        z.writestr("a.jsonl", b"")
        z.writestr("b.jsonl.gz", gzip.compress(b"\n\n"))
        z.writestr("page.txt", good(40))
    with tarfile.open(d / "more.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("c.jsonl")
        tar.addfile(info, io.BytesIO(b""))
    report = newsset.validate_paths([d])
    located = sorted((i.path, i.code, i.line) for i in report.issues)
    assert located == [(str(d / "more.tar.gz") + "!/c.jsonl", "input.empty", 1),
                       (str(d / "scrape.zip") + "!/a.jsonl", "input.empty", 1),
                       (str(d / "scrape.zip") + "!/b.jsonl.gz", "input.empty", 1)]
    assert "empty record file" in report.issues[0].message
    r = newsset.build([d], tmp_path / "out")
    assert r.rejected["input.empty"] == 3 and r.total_rows == 1
    rejects = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert sorted(x["source"] for x in rejects) == ["more.tar.gz!/c.jsonl", "scrape.zip!/a.jsonl",
                                                    "scrape.zip!/b.jsonl.gz"]


def test_files_of_other_types_are_counted_ndjson_is_read_and_a_named_file_is_never_dropped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder's `.html` and `.json` files were passed over without a word (a folder of `.ndjson`
    batches beside one page lost every record); a file named on its own inside a folder also given
    was dropped as "covered" by a walk that does not read its suffix."""
    from newsset.cli import main

    d = tmp_path / "in"
    (d / "extra").mkdir(parents=True)
    (d / "a.txt").write_text(good(1))
    (d / "page.html").write_text("<html>")
    (d / "notes.json").write_text("{}")
    (d / "README").write_text("about")
    (d / "extra" / "named.html").write_text(good(2))
    records = [json.dumps(newsset.parse_text(good(i)).to_dict()) for i in (3, 4)]
    (d / "batch.NDJSON").write_text("\n".join(records) + "\n")
    out = tmp_path / "out"
    assert main(["build", str(d), str(d / "extra" / "named.html"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "4 input(s) from 3 file(s); 3 other file(s) not read ((none) 1, .html 1, .json 1)" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["ignored_by_suffix"] == {"(none)": 1, ".html": 1, ".json": 1}
    assert manifest["inputs"]["accepted"] == 4  # two pages (one named), two NDJSON records
    report = newsset.validate_paths([d])  # (the API's report has no walk counts; the CLI's has)
    assert sum(f.records for f in report.files) == 3
    assert main(["validate", str(d), "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)["stats"]
    assert stats["ignored_by_suffix"] == {"(none)": 1, ".html": 2, ".json": 1} and stats["records"] == 3


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_a_truncated_record_file_is_located_where_its_reading_stopped(tmp_path: Path, suffix: str) -> None:
    """A .jsonl.gz cut short was reported at line 1, whatever was read before the cut; a .jsonl.zst
    as unreadable, with a hint to check that the file exists."""
    import gzip

    import pyarrow as pa

    lines = [json.dumps(record(i)) for i in range(400)]
    text = ("\n".join(lines) + "\n").encode()
    if suffix == ".jsonl.gz":
        data = gzip.compress(text)
    else:
        sink = pa.BufferOutputStream()
        with pa.CompressedOutputStream(sink, "zstd") as stream:
            stream.write(text)
        data = sink.getvalue().to_pybytes()
    (tmp_path / f"r{suffix}").write_bytes(data[:len(data) * 3 // 4])
    report = newsset.validate_paths([tmp_path])
    (issue,) = [i for i in report.issues if i.code == "input.unreadable"]
    read = sum(f.records for f in report.files) - 1  # (the issue counts as an item)
    assert 0 < read < 400 and issue.line == read + 1
    assert f"were read (through line {read})" in issue.message and "truncated" in issue.message
    assert "exists" not in (issue.hint or "")


def test_hidden_files_and_folders_are_counted_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Walks skip hidden entries (a `.git`, a page saved as `.draft.txt`): they were passed over
    without a word, where every other file not read is counted. A hidden folder named as an input
    is read, and not counted."""
    from newsset.cli import main

    d = tmp_path / "in"
    (d / ".git").mkdir(parents=True)
    (d / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (d / ".drafts").mkdir()
    (d / ".drafts" / "d.txt").write_text(good(2))
    (d / "a.txt").write_text(good(1))
    (d / ".draft.txt").write_text(good(3))
    (d / ".DS_Store").write_bytes(b"\0\0")
    out = tmp_path / "out"
    assert main(["build", str(d), "--out", str(out), "-q"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["ignored_by_suffix"] == {"(hidden file)": 2, "(hidden folder)": 2}
    assert manifest["inputs"]["accepted"] == 1
    assert main(["validate", str(d), str(d / ".drafts")]) == 0
    assert "2 other file(s) not read ((hidden file) 2); 1 hidden folder(s) not walked" in capsys.readouterr().out


def test_links_to_folders_are_followed_once_and_loops_end(tmp_path: Path) -> None:
    """Pages behind a link to a folder were dropped without a trace; now they are read, a folder
    linked twice is read once, and a link back to an ancestor ends the walk."""
    from collections import Counter

    from newsset.sources import discover

    real = tmp_path / "real"
    real.mkdir()
    for i in range(3):
        (real / f"p{i}.txt").write_text(good(30 + i))
    corpus = tmp_path / "corpus"
    (corpus / "top").mkdir(parents=True)
    (corpus / "top" / "own.txt").write_text(good(40))
    (corpus / "top" / "linked").symlink_to(real)
    (corpus / "top" / "again").symlink_to(real)
    (corpus / "top" / "loop").symlink_to(corpus)
    rels = [s.rel for s in discover([corpus])]
    assert rels == ["top/again/p0.txt", "top/again/p1.txt", "top/again/p2.txt", "top/own.txt"]
    # The linked folder given again as an input of its own: still walked once.
    rels = [s.rel for s in discover([corpus, real])]
    assert rels == ["top/again/p0.txt", "top/again/p1.txt", "top/again/p2.txt", "top/own.txt"]
    # A link to a folder that holds the input (`/`, an ancestor) is not walked: the disk around the
    # corpus would be read (and what it holds quoted in the published rejects). It is counted.
    (corpus / "top" / "disk").symlink_to("/")
    (corpus / "up").symlink_to(tmp_path)
    ignored: Counter[str] = Counter()
    rels = [s.rel for s in discover([corpus], ignored=ignored)]
    assert rels == ["top/again/p0.txt", "top/again/p1.txt", "top/again/p2.txt", "top/own.txt"]
    assert ignored == Counter({"(link to a folder that holds the input)": 3})  # (disk, up, and loop itself)


def test_a_folder_reached_by_a_link_too_is_named_by_its_own_path(tmp_path: Path) -> None:
    """Outside audit h26 #8: a link that sorted before the folder it points to, both in the input,
    named the pages by the link's path (`alias/a.txt`), and `real/a.txt` nowhere. A folder reached
    only through a link (its own path hidden) is named by the link's."""
    from newsset.sources import discover

    corpus = tmp_path / "corpus"
    for folder in ("real", ".store/kept"):
        (corpus / folder).mkdir(parents=True)
    (corpus / "real" / "a.txt").write_text(good(1))
    (corpus / ".store" / "kept" / "b.txt").write_text(good(2))
    (corpus / "alias").symlink_to("real")
    (corpus / "kept").symlink_to(".store/kept")
    (corpus / "real" / "up").symlink_to("../kept")  # (a link inside a folder reached both ways)
    assert [s.rel for s in discover([corpus])] == ["kept/b.txt", "real/a.txt"]


def test_row11_unreadable_files_links_fifos_and_names_that_are_not_utf8(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "probe"
    d.mkdir()
    (d / "broken.txt").symlink_to(d / "missing.txt")
    (d / "loop-a.txt").symlink_to(d / "loop-b.txt")
    (d / "loop-b.txt").symlink_to(d / "loop-a.txt")
    (d / "folder.txt").mkdir()
    (d / "secret.txt").write_text(good(20))
    messages = {}
    for name in ("broken.txt", "loop-a.txt", "folder.txt"):
        (item,) = items(d / name)
        assert (item.line, item.record, item.issues[0].code) == (1, None, "input.unreadable")
        messages[name] = item.issues[0].message
    assert "broken symbolic link (to" in messages["broken.txt"] and "loop" in messages["loop-a.txt"]
    assert "expected a regular file, got a folder" in messages["folder.txt"]
    if hasattr(socket, "AF_UNIX"):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(d / "sock.txt"))  # open() on a socket says "No such device or address"
            (item,) = items(d / "sock.txt")
        assert item.issues[0].message.startswith("expected a regular file, got a socket")
    real_open = os.open

    def deny(path: Any, *a: Any, **k: Any) -> int:
        if os.fspath(path).endswith("secret.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, *a, **k)

    with monkeypatch.context() as mp:  # what chmod 000 does to anyone but root
        mp.setattr(reading.os, "open", deny)
        (item,) = items(d / "secret.txt")
    assert item.issues[0].code == "input.unreadable" and "Permission denied" in item.issues[0].message
    files: dict[str | bytes, bytes] = {b"caf\xe9.txt": good(21).encode(), b"bad-\xff.txt": b""}
    src = tmp_path / "in"
    src.mkdir()
    (src / "broken.txt").symlink_to(src / "missing.txt")
    (src / "loop-a.txt").symlink_to(src / "loop-b.txt")
    (src / "loop-b.txt").symlink_to(src / "loop-a.txt")
    if hasattr(os, "mkfifo"):
        os.mkfifo(src / "fifo.txt")  # opened the plain way, it would wait for a writer forever
    report = newsset.validate_paths([src.parent / "in"])  # also prints: every path is printable
    newsset.render(report, "text").encode("utf-8")
    by_path = {(Path(i.path).name, i.code) for i in report.issues}
    assert ("broken.txt", "input.unreadable") in by_path and ("loop-b.txt", "input.unreadable") in by_path
    result, rejects = build_with(tmp_path, files, inputs=4 + 3 + hasattr(os, "mkfifo"))
    assert sorted((r["source"], r["code"]) for r in rejects) == sorted(
        [("bad-\\xff.txt", "input.empty"), ("broken.txt", "input.unreadable"), ("loop-a.txt", "input.unreadable"),
         ("loop-b.txt", "input.unreadable")] + ([("fifo.txt", "input.unreadable")] if hasattr(os, "mkfifo") else []))
    assert "caf\\xe9.txt" in {r["source"] for r in rows(tmp_path / "out")}  # stored in Parquet, escaped
    (named,) = items(Path(os.fsdecode(os.path.join(os.fsencode(src), b"caf\xe9.txt"))))
    assert named.ok and [(i.code, i.severity, i.path.endswith("caf\\xe9.txt")) for i in named.issues] == [
        ("input.file-name", "warning", True)]


@pytest.mark.parametrize("damage, said", [("garbage", "bytes that are not gzip data"), ("cut", "truncated"),
                                          ("flipped", "bytes that are not gzip data"),
                                          ("crc", "gzip data that fails its own check (CRC check failed")])
def test_row11_compressed_data_that_breaks_off_keeps_the_records_before_and_says_why(
        tmp_path: Path, damage: str, said: str) -> None:
    import gzip

    data = gzip.compress("".join(json.dumps(record(k)) + "\n" for k in (31, 32, 33)).encode())
    path = tmp_path / "r.jsonl.gz"
    if damage == "flipped":  # (a byte of the deflate stream itself: zlib.error, no OSError; it crashed the run)
        data = data[:30] + bytes([data[30] ^ 0xFF]) + data[31:]
    elif damage == "crc":  # (the stored CRC: every record inflates, and gzip says so only at its end)
        data = data[:-8] + bytes([data[-8] ^ 0x01]) + data[-7:]
    path.write_bytes(data + b"GARBAGE after the member" if damage == "garbage" else data[:-40] if damage == "cut"
                     else data)
    got = items(path, "jsonl")
    assert all(i.ok for i in got[:-1]) and (got[:-1] or damage == "flipped")  # the records before it count
    (issue,) = got[-1].issues
    assert issue.code == "input.unreadable" and said in issue.message and "exists" not in (issue.hint or "")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_jsonl_gz_failing_its_crc_gives_no_row_each_record_is_a_located_reject(tmp_path: Path, jobs: int) -> None:
    """gzip checks its CRC only at its end, after every record was read: a build kept them all, though
    any may hold altered text (a flipped bit inflates to other letters). Now none is kept, each is
    a reject at its own line saying why, and the file's own reject says where gzip found out."""
    import gzip

    def packed(*ks: int) -> bytes:
        return gzip.compress("".join(json.dumps(record(k)) + "\n" for k in ks).encode())

    data = packed(41, 42, 43)
    flipped = data[:-8] + bytes([data[-8] ^ 0x01]) + data[-7:]  # the stored CRC: every record inflates
    # (inputs: 2 pages, 2 good records, 3 records of the bad file and the file's own reject)
    result, rejects = build_with(tmp_path, {"ok.jsonl.gz": packed(44, 45), "r.jsonl.gz": flipped}, inputs=8,
                                 jobs=jobs)
    got = sorted((r["source"], r["line"], r["code"]) for r in rejects)
    assert got == [("r.jsonl.gz", 1, "input.unreadable"), ("r.jsonl.gz", 2, "input.unreadable"),
                   ("r.jsonl.gz", 3, "input.unreadable"), ("r.jsonl.gz", 4, "input.unreadable")]
    assert all("not kept" in r["message"] for r in rejects if r["line"] < 4)
    assert "a build keeps none of them" in next(r["message"] for r in rejects if r["line"] == 4)
    kept = {r["id"] for r in rows(tmp_path / "out")}
    assert kept >= {record(44)["id"], record(45)["id"]} and kept.isdisjoint(record(k)["id"] for k in (41, 42, 43))
    assert sum(result.rows.values()) == len(kept) == 4
    assert {r["id"] for r in rejects if r["line"] < 4} == {record(k)["id"] for k in (41, 42, 43)}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["accepted"] == 4 and manifest["inputs"]["rejected"] == 4


def test_validate_counts_and_lists_the_records_of_a_jsonl_gz_failing_its_crc_as_a_build_rejects_them(
        tmp_path: Path) -> None:
    """`validate` gates CI on what a build keeps: the records of a file whose gzip data fails its own
    check are no valid records (they were counted valid, with one issue at the end: audit v34)."""
    import gzip

    from newsset import validate_paths

    data = gzip.compress("".join(json.dumps(record(k)) + "\n" for k in (51, 52, 53)).encode())
    (tmp_path / "r.jsonl.gz").write_bytes(data[:-8] + bytes([data[-8] ^ 0x01]) + data[-7:])
    (tmp_path / "ok.jsonl").write_text(json.dumps(record(54)) + "\n", encoding="utf-8")
    report = validate_paths([tmp_path])
    stats = report.to_dict()["stats"]
    assert (stats["records"], stats["valid_records"], stats["issues"]) == (5, 1, 4)
    bad = [(i.line, i.record_id) for i in report.issues]
    assert bad == [(1, record(51)["id"]), (2, record(52)["id"]), (3, record(53)["id"]), (4, None)]
    assert all("not kept" in i.message and "exists" not in i.hint for i in report.issues[:3])
    # A later copy of a voided record is the copy a build keeps: no duplicate (report audit r37).
    (tmp_path / "s.jsonl").write_text(json.dumps(record(52)) + "\n", encoding="utf-8")
    report = validate_paths([tmp_path])
    assert report.to_dict()["stats"]["valid_records"] == 2 and not report.by_code["dataset.duplicate-id"]


def test_a_lone_surrogate_in_a_rejected_records_id_or_key_leaves_rejects_jsonl_strict_json(tmp_path: Path) -> None:
    """rejects.jsonl wrote a record's `\\ud800` as JSON's escape, which strict readers (jq, serde)
    refuse, with every line after it (audit v34): it is text now, a backslash and `ud800`."""
    bad_id = {**record(61), "id": "\ud800" + record(61)["id"][1:]}
    bad_key = {**record(62), "\udc00": 1}
    lines = [json.dumps(bad_id), json.dumps(bad_key), json.dumps(record(63))]
    _, rejects = build_with(tmp_path, {"r.jsonl": ("\n".join(lines) + "\n").encode()}, inputs=5)
    raw = (tmp_path / "out" / "rejects.jsonl").read_text("utf-8")
    assert "\\ud800" not in raw.replace("\\\\", "") and "\\udc00" not in raw.replace("\\\\", "")
    for r in rejects:  # (json.loads takes a lone surrogate's escape; a strict reader does not: no surrogate left)
        json.dumps(r, ensure_ascii=False).encode("utf-8")
    assert [r["line"] for r in rejects] == [1, 2]
    assert rejects[0]["id"].startswith("\\ud800")


@pytest.mark.parametrize("name, data, found, rename", [
    ("r.jsonl.gz", b'{"id": 1}\n', "plain JSON text", "rename it to r.jsonl "),
    ("r.jsonl.zst", b'\xef\xbb\xbf{"id": 1}\n', "plain JSON text", "rename it to r.jsonl "),
    ("r.jsonl.zst", b"\x1f\x8b\x08\x00" + bytes(20), "gzip data", "rename it to r.jsonl.gz"),
    ("r.jsonl.gz", b"\x28\xb5\x2f\xfd" + bytes(20), "zstd data", "rename it to r.jsonl.zst")])
def test_a_record_file_named_as_other_compressed_data_says_what_it_is_not_that_it_is_damaged(
        tmp_path: Path, name: str, data: bytes, found: str, rename: str) -> None:
    """A plain .jsonl renamed .jsonl.gz was 'damaged: a download cut short', at no line (audit v34)."""
    (tmp_path / name).write_bytes(data)
    (item,) = items(tmp_path / name, "jsonl")
    (issue,) = item.issues
    assert issue.code == "input.unreadable" and f"got {found}" in issue.message and issue.line == 1
    assert "cut short" not in issue.hint and issue.hint.startswith(rename.strip())


@pytest.mark.parametrize("line, said", [('"hello"', 'got string "hello"'), ("42", "got integer 42"),
                                        ("null", "got null"), ("true", "got boolean true"), ("[1]", "got array [1]")])
def test_a_record_line_that_is_no_object_is_named_in_json_words(tmp_path: Path, line: str, said: str) -> None:
    (tmp_path / "r.jsonl").write_text(line + "\n", encoding="utf-8")
    (item,) = items(tmp_path / "r.jsonl", "jsonl")
    assert item.reason.code == "jsonl.not-object" and item.reason.message.endswith(said)


def test_a_field_of_the_wrong_type_is_named_in_json_words(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text(json.dumps({**record(71), "title": {"a": 1}, "author": 7}) + "\n",
                                      encoding="utf-8")
    (item,) = items(tmp_path / "r.jsonl", "jsonl")
    messages = {i.json_path: i.message for i in item.issues}
    assert "got object {" in messages["$.title"] and "got integer 7" in messages["$.author"]
    assert not any(w in m for m in messages.values() for w in ("dict", "NoneType", " int ", " str "))


@pytest.mark.parametrize("line, hint", [("// a comment", "no comments"), ("# a comment", "no comments"),
                                        ('{"a": 1} // note', "no comments"), ('{"a": 1} {"b": 2}', "second JSON value"),
                                        ('\u00a0{"a": 1}', "U+00A0 is not JSON white space")])
def test_common_json_mistakes_get_a_hint(tmp_path: Path, line: str, hint: str) -> None:
    (tmp_path / "r.jsonl").write_text(line + "\n", encoding="utf-8")
    (item,) = items(tmp_path / "r.jsonl", "jsonl")
    assert item.reason.code == "jsonl.syntax" and hint in item.reason.hint


def test_a_record_file_with_cr_only_line_ends_says_so(tmp_path: Path) -> None:
    """Records separated by a lone CR (old Mac line ends) are one line of `Extra data` at a far
    column: the message said nothing of line ends."""
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\r".join(json.dumps(record(k)).encode() for k in (51, 52, 53)) + b"\r")
    (item,) = items(path, "jsonl")
    (issue,) = item.issues
    assert issue.code == "jsonl.syntax" and "Extra data" in issue.message and "CR alone" in (issue.hint or "")
    ok = tmp_path / "ok.jsonl"
    ok.write_text('{"a": 1} {"b": 2}\n')  # (another `Extra data`: no such hint)
    assert "CR" not in (items(ok, "jsonl")[0].issues[0].hint or "")


def test_row11_a_folder_a_thousand_levels_deep_is_walked_not_a_stack_overflow(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    path = str(folder)
    folder.mkdir()
    levels = sys.getrecursionlimit() + 100  # (os.walk, like os.makedirs and shutil.rmtree, recursed once a level)
    for _ in range(levels):
        path = os.path.join(path, "d")
        os.mkdir(path)
    try:
        Path(path, "deep.txt").write_text(good(24))
        (folder / "top.txt").write_text(good(25))
        assert sorted(Path(s.path).name for s in newsset.discover([folder])) == ["deep.txt", "top.txt"]
    finally:  # bottom up: pytest's clean-up of tmp_path would recurse too deep
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(path, "deep.txt"))
        for _ in range(levels):
            os.rmdir(path)
            path = os.path.dirname(path)


def test_row11_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "hidden.txt").write_text(good(23))
    real_scandir = os.scandir

    def deny(path: Any = ".") -> Any:  # what chmod 000 on the folder does to anyone but root
        if isinstance(path, str) and path.endswith("sub"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    assert [(s.rel, s.kind) for s in newsset.discover([tmp_path / "in"])] == [("sub", "page")]
    _, rejects = build_with(tmp_path, {}, inputs=3)
    assert [(r["source"], r["code"]) for r in rejects] == [("sub", "input.unreadable")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_row11_chmod_000_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "secret.txt").write_text(good(22))
    (tmp_path / "in" / "sub" / "hidden.txt").write_text(good(23))
    os.chmod(tmp_path / "in" / "secret.txt", 0)
    os.chmod(tmp_path / "in" / "sub", 0)
    try:
        _, rejects = build_with(tmp_path, {}, inputs=4)
    finally:
        os.chmod(tmp_path / "in" / "sub", 0o755)
    assert sorted((r["source"], r["code"]) for r in rejects) == [("secret.txt", "input.unreadable"),
                                                                  ("sub", "input.unreadable")]


# ---------------------------------------------------------------- 12. malformed record-file lines


def test_row12_malformed_jsonl_lines_and_the_good_lines_still_count(tmp_path: Path) -> None:
    lines = [json.dumps(record(24)), '{"title": "no closing brace"', "[1, 2]", "", "   ",
             json.dumps(record(25)), '{"a": 1,}', "nul\x00byte"]
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n")
    found = [(i.line, i.ok, i.issues[0].code if i.issues else None, i.issues[0].column if i.issues else None)
             for i in items(tmp_path / "r.jsonl", "jsonl")]
    try:  # (where json places the error: at the `}` after the comma, or at the comma from Python 3.13)
        json.loads(lines[6])
    except ValueError as e:
        comma = e.pos + 1  # type: ignore[attr-defined]
    assert comma in (8, 9)
    assert found == [(1, True, None, None), (2, False, "jsonl.syntax", len(lines[1]) + 1),
                     (3, False, "jsonl.not-object", None),
                     (6, True, None, None), (7, False, "jsonl.syntax", comma), (8, False, "input.binary", 4)]
    _, rejects = build_with(tmp_path, {"r.jsonl": (tmp_path / "r.jsonl").read_bytes()}, inputs=8)
    assert [(r["line"], r["code"]) for r in rejects] == [(2, "jsonl.syntax"), (3, "jsonl.not-object"),
                                                        (7, "jsonl.syntax"), (8, "input.binary")]
    (tmp_path / "c.jsonl").write_text('{"a": "tab\there"}\n')
    (item,) = items(tmp_path / "c.jsonl", "jsonl")
    assert item.issues[0].message.endswith("Invalid control character at column 11")  # (json's own ends "at")


# ---------------------------------------------------------------- messages


def test_every_new_message_says_what_was_expected_and_found_and_the_catalog_says_what_to_do() -> None:
    for code in ("input.binary", "input.encoding", "input.file-name", "input.unreadable", "input.too-large",
                 "text.mojibake", "text.mojibake-fixed", "text.bidi-control"):
        entry = newsset.CODES[code]
        assert entry.hint and entry.title, code
    e = refused(BINARY["pdf"][0])
    assert e.issue.message.startswith("expected ") and ", got " in e.issue.message and e.issue.hint
    issue = newsset.parse_text(good(1).replace("happened", "happ\u00c3\u00a9ned")).issues[0]
    assert issue.message.startswith("expected ") and ", got " in issue.message and "--fix-mojibake" in issue.hint


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_a_file_longer_than_its_stat_size_is_read_to_its_end() -> None:
    """Pages are read in one call when they have the size fstat gave; a file that says it is empty
    but is not (/proc files do), or that grew after fstat, is read on to its real end."""
    from newsset.reading import read_page_file

    data = read_page_file("/proc/self/status")
    assert isinstance(data, bytes) and data.startswith(b"Name:") and len(data) > 100


def test_file_names_are_read_as_utf8_whatever_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a Latin-1 locale Python decodes the UTF-8 name `café_€.txt` as `cafÃ©_â\\x82¬.txt`: the
    `source` column differed from a UTF-8 machine's, with no warning."""
    from newsset.sources import file_name

    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "iso-8859-1")
    as_latin1 = "café_€.txt".encode().decode("latin-1")  # what os.listdir gives under that locale
    assert file_name(as_latin1) == "café_€.txt"
    assert file_name(b"\xff-scan.txt".decode("latin-1")) == "\\xff-scan.txt"  # not UTF-8: escaped, as ever
    assert file_name("plain.txt") == "plain.txt"
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "utf-8")
    assert file_name("café_€.txt") == "café_€.txt"


def test_an_old_dataset_and_the_cache_inside_the_input_are_accounted_for(tmp_path: Path) -> None:
    """A previous build's rejects.jsonl in the input is a report, not records: it is passed over
    and said so (it was skipped uncounted); the --cache folder inside the input is not walked (its
    entries were counted as files passed over)."""
    from newsset.sources import REPORT_NOTE

    d = tmp_path / "in"
    d.mkdir()
    for i in range(3):
        (d / f"p{i}.txt").write_text(good(60 + i))
    (d / "bad.txt").write_text(" date 2024-13-45 An impossible day\n\nBody.\n")
    newsset.build([d], d / "old")  # (its rejects.jsonl lists bad.txt)
    assert (d / "old" / "rejects.jsonl").stat().st_size > 0
    r = newsset.build([d], tmp_path / "out", cache=d / "cache")
    assert r.ignored[REPORT_NOTE] == 1 and not {".arrow", ".keys", ".stat"} & set(r.ignored)
    assert r.inputs == 4 and r.total_rows == 3
    again = newsset.build([d], tmp_path / "again", cache=d / "cache")
    assert again.ignored == r.ignored and again.cached_chunks == again.chunks


@pytest.mark.parametrize("where", ["sub", "itself"])
def test_a_cache_folder_holding_input_files_is_refused(tmp_path: Path, where: str) -> None:
    """Discovery skips the --cache folder: pointed at a folder of pages, it left them out of the
    build without a word (53 of 200 pages, exit 0) and wrote cache files among them."""
    d = tmp_path / "in"
    (d / "2024").mkdir(parents=True)
    (d / "p0.txt").write_text(good(80))
    (d / "2024" / "p1.txt").write_text(good(81))
    cache = d / "2024" if where == "sub" else d
    with pytest.raises(ConfigError, match=r"holds input files \(.*p[01]\.txt\), which a build never reads"):
        newsset.build([d], tmp_path / "out", cache=cache)
    assert sorted(p.name for p in cache.rglob("*")) == sorted(["p1.txt"] if where == "sub" else ["2024", "p0.txt",
                                                                                                   "p1.txt"])
    assert not (tmp_path / "out").exists()


def test_records_with_a_key_twice_no_visible_text_or_a_nul_are_rejected_as_a_page_would_be(tmp_path: Path) -> None:
    """json keeps the last of two equal keys without a word; a body of spaces or zero-width spaces,
    or a \\u0000 escape, became a row (and a task example) where the same text as a page is refused."""
    base = newsset.parse_text(good(70)).to_dict()
    text = json.dumps(base)
    lines = [text,
             text[:-1] + ', "author": "Someone Else"}',
             json.dumps({**base, "id": f"{3:032x}", "body": " \n\t "}),
             json.dumps({**base, "id": f"{4:032x}", "title": "\u00a0"}),
             json.dumps({**base, "id": f"{5:032x}", "body": "\u200b" * 100}),
             json.dumps({**base, "id": f"{6:032x}", "body": base["body"] + "\u0000"}),
             '{"id": "x", "nested": {"a": 1, "a": 2}}']
    d = tmp_path / "in"
    d.mkdir()
    (d / "r.jsonl").write_text("\n".join(lines) + "\n")
    report = newsset.validate_paths([d])
    got = sorted((i.line, i.code, i.json_path) for i in report.issues)
    assert got == [(2, "jsonl.duplicate-key", None), (3, "record.no-text", "$.body"), (4, "record.no-text", "$.title"),
                   (5, "record.no-text", "$.body"), (6, "record.nul", "$.body"), (7, "jsonl.duplicate-key", None)]
    messages = {i.line: i.message for i in report.issues}
    assert '"author" twice' in messages[2] and "'\\xa0'" in messages[4] and "'\\u200b" in messages[5]
    r = newsset.build([d], tmp_path / "out")
    assert r.total_rows == 1 and sum(r.rejected.values()) == 6


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_a_record_line_past_the_skip_limit_reads_on_in_a_plain_file_and_says_so_in_a_compressed_one(
        tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line past SKIP_BYTES ended the file's reading with the message of a line that is skipped
    (`not read further`), its records after it in no count; `validate` stopped where `build`'s byte
    ranges of the same plain file read on. A file on disk is now skipped to the line's end; only
    decompressed data (a bomb has no line end) stops, and the reject says the rest is not read."""
    import gzip

    monkeypatch.setattr(archives, "MAX_PAGE_BYTES", 1024)
    monkeypatch.setattr(reading, "SKIP_BYTES", 4096)
    data = b"\n".join([json.dumps(record(21)).encode(), b'{"title": "' + b"y" * 3_000_000 + b'"}',
                       json.dumps(record(22)).encode()]) + b"\n"
    path = tmp_path / f"r{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    got = [(i.line, i.ok) for i in items(path, "jsonl")]
    message = next(i for i in items(path, "jsonl") if not i.ok).issues[0].message
    if suffix == ".jsonl":
        assert got == [(1, True), (2, False), (3, True)] and "the lines after it are read" in message
    else:
        assert got == [(1, True), (2, False)] and "the rest of the file is not read" in message


def test_a_record_file_that_starts_with_a_block_of_nul_bytes_loses_only_that_line(tmp_path: Path) -> None:
    """A zero-filled first block (a crash, a preallocated file) read as UTF-32 (NUL in three bytes
    in four): the file was refused whole, its good records with it. It is a bad line; so is a page
    of only NULs a binary file, not UTF-32 text."""
    lines = [json.dumps(newsset.parse_text(good(95 + i)).to_dict()) + "\n" for i in range(2)]
    d = tmp_path / "in"
    d.mkdir()
    (d / "r.jsonl").write_bytes(b"\x00" * 4096 + b"\n" + "".join(lines).encode())
    (d / "zeros.txt").write_bytes(b"\x00" * 4096)
    report = newsset.validate_paths([d])
    got = sorted((Path(i.path).name, i.code, i.line) for i in report.issues)
    assert got == [("r.jsonl", "input.binary", 1), ("zeros.txt", "input.binary", 1)]
    assert newsset.build([d], tmp_path / "out").total_rows == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_record_file_is_one_encoding_error_not_one_per_line(tmp_path: Path, encoding: str) -> None:
    """Its lines split at the 0x0A byte of a code unit: a NUL error for every line, one line too many,
    and a hint about writing \\u0000 in JSON. One located refusal of the file says what it is."""
    text = "".join(json.dumps(newsset.parse_text(good(80 + i)).to_dict()) + "\n" for i in range(3))
    d = tmp_path / "in"
    d.mkdir()
    (d / "r.jsonl").write_bytes(text.encode(encoding))
    (d / "page.txt").write_bytes(good(90).encode(encoding))
    report = newsset.validate_paths([d])
    got = sorted((Path(i.path).name, i.code, i.line) for i in report.issues)
    assert got == [("page.txt", "input.encoding", 1), ("r.jsonl", "input.encoding", 1)]
    wide = "UTF-32" if "32" in encoding else "UTF-16"
    assert all(f"got {wide} text" in i.message and f"iconv -f {wide.lower()}" in (i.hint or "")
               for i in report.issues)


def test_a_path_longer_than_the_system_opens_says_so(tmp_path: Path) -> None:
    """Past PATH_MAX a folder's subtree was reported as "expected a readable file, got File name too
    long", which pointed at a folder as if it were a file."""
    import errno

    from newsset.reading import unreadable_issue

    deep = str(tmp_path / ("x" * 200)) * 25
    issue = unreadable_issue(deep, OSError(errno.ENAMETOOLONG, "File name too long", deep))
    assert issue.code == "input.unreadable" and "longer than the system opens: nothing under it is read" in \
        issue.message and issue.expected == "a shorter path"


def test_a_json_array_saved_as_json_lines_is_one_located_reject_with_a_fix(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB's ARRAY option and `json.dump(list)` write `[` then `{...},` lines: each line read as a
    record failed ("Extra data") but the last, so a build kept 1 record of 36 and exited 0."""
    recs = [record(i) for i in range(12)]
    path = tmp_path / "records.jsonl"
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in recs) + "\n]\n", encoding="utf-8")
    got = items(path, "jsonl")
    assert [(i.line, i.reason.code, i.record) for i in got] == [(1, "jsonl.syntax", None)]
    assert "a JSON array" in got[0].reason.message and "jq -c" in got[0].reason.hint
    import newsset.chunk as chunk_mod

    monkeypatch.setattr(chunk_mod, "RANGE_BYTES", path.stat().st_size // 4)  # the other ranges stay quiet
    result = newsset.build([path], tmp_path / "out", jobs=1)
    assert result.total_rows == 0 and result.inputs == 1 and result.chunks >= 4
    one_line = tmp_path / "one.jsonl"  # (the whole array on one line: one bad line, which says what it holds)
    one_line.write_text(json.dumps(recs), encoding="utf-8")
    (item,) = items(one_line, "jsonl")
    assert item.reason.code == "jsonl.not-object" and "a JSON array of 12 records" in item.reason.hint


def test_a_json_file_named_on_the_command_line_is_read_as_json_lines(tmp_path: Path) -> None:
    """DuckDB and Spark name their JSON-lines files `.json`; named, such a file is records, not a page
    (it was parsed as one, and refused for its missing header). In a folder `.json` is passed over,
    and a folder holding nothing else says so."""
    folder = tmp_path / "spark_out"
    folder.mkdir()
    path = folder / "part-00000.json"
    path.write_text("".join(json.dumps(record(i)) + "\n" for i in range(5)), encoding="utf-8")
    report = newsset.validate_paths([path])
    assert report.valid and report.to_dict()["stats"]["valid_records"] == 5
    with pytest.raises(newsset.ConfigError, match=r"passed over 1 \.json file\(s\): name a file of JSON lines"):
        newsset.build([folder], tmp_path / "out")


def test_compressed_data_under_another_suffix_is_told_to_rename_not_to_remove(tmp_path: Path) -> None:
    import gzip

    body = "".join(json.dumps(record(i)) + "\n" for i in range(3)).encode()
    for name, data in (("records.jsonl.gzip", gzip.compress(body)), ("records.jsonl.bz2", b"BZh91AY&SY" + body[:40]),
                       ("records.jsonl.zstd", b"\x28\xb5\x2f\xfd" + body[:40])):
        (tmp_path / name).write_bytes(data)
        report = newsset.validate_paths([tmp_path / name])
        (issue,) = report.issues
        assert issue.code == "input.binary" and "compressed data" in issue.hint and ".jsonl.gz" in issue.hint, name
    assert "compressed" not in refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20).issue.hint  # an image: removed


def test_pretty_printed_records_are_one_reject_not_one_a_line(tmp_path: Path) -> None:
    path = tmp_path / "pretty.jsonl"
    path.write_text("".join(json.dumps(record(i), indent=2) + "\n" for i in range(4)), encoding="utf-8")
    got = items(path, "jsonl")  # (each line read as a record failed: 4 records gave 60-odd errors)
    assert [(i.line, i.reason.code) for i in got] == [(1, "jsonl.syntax")]
    assert "pretty-printed" in got[0].reason.message and "jq -c ." in got[0].reason.hint


def test_dates_as_pandas_and_datasets_write_them_get_a_hint_with_the_date_they_mean(tmp_path: Path) -> None:
    """`Dataset.to_json` and pandas' `to_json` write a date column as epoch milliseconds, and
    `date_format="iso"` as a midnight time stamp: the round trip of a newsset dataset failed for
    every record with only "expected string, got int"."""
    rows = [record(i) for i in range(3)]
    rows[0]["date"] = 1709769600000  # 2024-03-07 in ms
    rows[1]["date"] = "2024-03-07T00:00:00.000"
    del rows[2]["author"]  # (an exporter that leaves out null keys)
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    hints = {i.code: i.hint for i in newsset.validate_paths([path]).issues}
    assert "2024-03-07 as epoch milliseconds" in hints["schema.type"]
    assert "time stamp at midnight" in hints["schema.format"]
    assert "'author' may be null: write it as null" in hints["schema.required"]


@pytest.mark.parametrize("ranged", [False, True])
def test_a_stray_first_line_is_one_bad_line_and_every_range_agrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   ranged: bool) -> None:
    """Only a file whose first two lines of text have an array's (or pretty-printed JSON's) shape is
    refused whole. A stray `[1, 2]`, `{` or one-line array over JSON lines is one bad line, and the
    records after it count; a byte range never decides alone (a later range looked at the file's
    first 4 KiB itself, and skipped every record it held when that disagreed with the first range)."""
    import newsset.chunk as chunk_mod

    recs = "".join(json.dumps(record(i)) + "\n" for i in range(40))
    files = {"pair": "[1, 2]\n" + recs, "brace": "{\n" + recs, "one-line": f"[{json.dumps(record(99))}]\n" + recs,
             "bom-line": "\ufeff\n\n\n" + "[\n" + ",\n".join(json.dumps(record(i)) for i in range(40)) + "\n]\n"}
    if ranged:
        monkeypatch.setattr(chunk_mod, "RANGE_BYTES", len(recs) // 5)
    for name, text in files.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(text, encoding="utf-8")
        result = newsset.build([path], tmp_path / f"out-{name}", jobs=1, near_dup="off")
        report = newsset.validate_paths([path])
        if name == "bom-line":  # (a real array, under a BOM alone on its line and blank lines)
            assert result.total_rows == 0 and result.inputs == 1 and [i.line for i in report.issues] == [4]
            continue
        assert result.total_rows == 40 and result.inputs == 41, name
        (issue,) = report.issues
        assert issue.line == 1 and issue.code in ("jsonl.syntax", "jsonl.not-object"), name
    hint = newsset.validate_paths([tmp_path / "one-line.jsonl"]).issues[0].hint
    assert "a JSON array of 1 records" in hint


def test_a_cached_range_is_rebuilt_when_the_files_first_line_changes(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A byte range's result depends on the file's first lines (an array is refused whole): the
    cache key holds what they said, so fixing them is no stale cache hit."""
    import newsset.chunk as chunk_mod

    body = ",\n".join(json.dumps(record(i)) for i in range(40))
    path = tmp_path / "r.jsonl"
    path.write_text("[\n" + body + "\n]\n", encoding="utf-8")
    monkeypatch.setattr(chunk_mod, "RANGE_BYTES", len(body) // 5)
    cache = tmp_path / "cache"
    first = newsset.build([path], tmp_path / "a", jobs=1, cache=cache, near_dup="off")
    assert first.total_rows == 0
    path.write_text(" \n" + body.replace("},\n{", "}\n{") + "\n \n", encoding="utf-8")  # JSON lines now
    again = newsset.build([path], tmp_path / "b", jobs=1, cache=cache, near_dup="off")
    clean = newsset.build([path], tmp_path / "c", jobs=1, near_dup="off")
    assert again.total_rows == clean.total_rows == 40


def test_a_one_line_array_over_the_line_cap_is_told_what_it_likely_is(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`json.dump(records)` of a large corpus is one line over 8 MiB: it was told only of zip bombs."""
    monkeypatch.setattr(archives, "MAX_PAGE_BYTES", 1024)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([record(i) for i in range(5)]) + "\n", encoding="utf-8")
    (item,) = items(path, "jsonl")
    assert item.reason.code == "input.too-large" and "jq -c '.[]'" in item.reason.hint


def test_a_run_of_one_control_or_mojibake_is_counted_and_fixed_as_each_one() -> None:
    """Outside audit h28: a page of a few million bidi or C1 controls (under the page cap) took 10 s
    and a gigabyte to parse, a finding object for each; a run of one sequence is one finding now,
    which still counts (and, fixed, repairs) every one of them."""
    body = "Fares rise " + "\u202e" * 100_000 + " in May.\u202e"
    text = page(paragraphs=(body, "Caf" + "\u00c3\u00a9" * 1000 + " owners count the cost."))
    art = newsset.parse_text(text, "p.txt")
    bidi = [i for i in art.issues if i.code == "text.bidi-control"]
    assert len(bidi) == 1 and "and 100000 more" in bidi[0].message and bidi[0].column == len("Fares rise ") + 1
    moji = [i for i in art.issues if i.code == "text.mojibake"]
    assert len(moji) == 1 and "and 999 more" in moji[0].message
    fixed = newsset.parse_text(text, "p.txt", fix_mojibake=True)
    assert "Caf" + "\u00e9" * 1000 + " owners" in fixed.body


@pytest.mark.skipif(shutil.which("zstd") is None, reason="needs the zstd command to write frames with checksums")
def test_a_zst_frame_failing_its_checksum_says_so_and_that_records_near_it_are_lost(tmp_path: Path) -> None:
    """Outside audit h28: a .jsonl.zst of one-record frames, one damaged: it was called `bytes that
    are not zstd data`, and the records in intact frames just before it, lost in the decompressor's
    block, went unmentioned."""
    frames = [subprocess.run(["zstd", "-q", "-c"], input=(json.dumps(record(k)) + "\n").encode(),
                             capture_output=True, check=True).stdout for k in range(50, 70)]
    bad = bytearray(frames[10])
    bad[len(bad) // 2] ^= 0xFF
    frames[10] = bytes(bad)
    path = tmp_path / "r.jsonl.zst"
    path.write_bytes(b"".join(frames))
    got = items(path, "jsonl")
    assert all(i.ok for i in got[:-1]) and len(got) - 1 <= 10  # (those before the block: none here, small)
    (issue,) = got[-1].issues
    assert issue.code == "input.unreadable" and got[-1].line == len(got)
    assert "fails its own check" in issue.message and "lost with it" in issue.message


def test_a_hostile_records_quotes_are_cut_so_rejects_stay_small(tmp_path: Path) -> None:
    """A 1 MB key, a 1 MB id and 5,000 unknown keys were quoted whole: reject lines and reports
    several times the size of the input. Each quote is cut, with the length it had."""
    huge_key = {**record(1), "k" * 1_000_000: 1}
    huge_id = {**record(2), "id": "z" * 1_000_000}
    many = {**record(3), **{f"extra{i}": i for i in range(5000)}}
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (huge_key, huge_id, many)) +
                                 json.dumps(record(4)) + "\n")
    result = newsset.build([src], tmp_path / "out")
    assert result.total_rejected == 3
    lines = (tmp_path / "out" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and max(map(len, lines)) < 4000
    first, second, third = map(json.loads, lines)
    assert "(1,000,000 characters)" in first["message"] and first["code"] == "schema.additionalProperties"
    assert second["id"].endswith("\u2026 (1,000,000 characters)") and len(second["id"]) < 200
    assert "and 4,990 more" in third["message"]
    report = newsset.validate_paths([src])
    assert sum(len(json.dumps(i.to_dict())) for i in report.issues) < 20_000
