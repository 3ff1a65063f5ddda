"""The leakage guard on realistic pages: planted near duplicates (recall and precision of the
MinHash guard), exact duplicates by normalised body, and byte-identical builds.

Every page comes from `newsset.synth.make_page` with a fixed seed. Near-duplicate pairs are
planted three ways, each a true near duplicate (word 5-gram Jaccard of the two bodies, computed
exactly here, well above the default threshold 0.7):

- `a`: one sentence of the body replaced;
- `b`: another title and a new standfirst, and one sentence of the body replaced;
- `c`: a paragraph removed from, or added to, the end of a long body.

The helpers (`near_pair`, `set_date`, `assert_conserved`, ...) are shared with
`test_splits_tasks.py`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import newsset
from newsset.cli import main
from newsset.synth import make_page, write_corpus

SENTENCE_END = re.compile(r"(?<=[.?!”’]) (?=[“‘A-Z])")
NGRAM = 5
PLANTED_MIN_JACCARD = 0.8  # every planted pair is at least this similar (the guard's threshold is 0.7)


# ---------------------------------------------------------------------------------------------
# Seeded pages and planted edits (shared with test_splits_tasks.py)


@dataclass
class Doc:
    """One page to write: its text and the body the parser must find in it."""

    name: str
    text: str
    body: str
    fields: dict[str, Any]


def synth(seed: int) -> tuple[str, dict[str, Any]]:
    return make_page(random.Random(seed), index=seed)


def shingles(body: str) -> set[tuple[str, ...]]:
    words = " ".join(body.casefold().split()).split(" ")
    return {tuple(words[i:i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _sentences(paragraph: str) -> list[str]:
    return SENTENCE_END.split(paragraph)


def _line_index(lines: list[str], paragraph: str) -> int:
    found = [i for i, ln in enumerate(lines) if ln.rstrip(" ") == paragraph]
    assert len(found) == 1, paragraph[:80]
    return found[0]


def _replace_sentence(text: str, body: str, rng: random.Random, donor: str) -> tuple[str, str]:
    """Replace one sentence of one paragraph (in the page text and in the expected body)."""
    paras = body.split("\n\n")
    lines = text.split("\n")
    cands = [i for i, p in enumerate(paras) if len(_sentences(p)) >= 3 and paras.count(p) == 1]
    i = rng.choice(cands)
    sents = _sentences(paras[i])
    j = rng.randrange(len(sents))
    assert donor not in sents
    new_para = " ".join([*sents[:j], donor, *sents[j + 1:]])
    k = _line_index(lines, paras[i])
    lines[k] = new_para
    paras[i] = new_para
    return "\n".join(lines), "\n\n".join(paras)


def _donor_sentences(seed: int) -> list[str]:
    _, exp = synth(seed)
    return [s for p in exp["body"].split("\n\n") for s in _sentences(p) if len(s.split()) >= 8]


def _donor_paragraph(seed: int, lo: int, hi: int) -> str | None:
    _, exp = synth(seed)
    fits = [p for p in exp["body"].split("\n\n") if lo <= len(p.split()) <= hi]
    return fits[0] if fits else None


def set_date(text: str, date: str) -> str:
    """The page with another date in its header line."""
    head, rest = text.split("\n", 1)
    new_head, n = re.subn(r"date \d{4}-\d{2}-\d{2}", f"date {date}", head, count=1)
    assert n == 1
    return new_head + "\n" + rest


def near_pair(kind: str, seed: int, name: str, variant: int = 0) -> tuple[Doc, Doc] | None:
    """A base page and a near-duplicate edit of it (kind a, b or c), or None when the seed's page
    does not suit the kind (too short a body, no standfirst...). Another `variant` makes another
    edit of the same base."""
    text, exp = synth(seed)
    body: str = exp["body"]
    paras = body.split("\n\n")
    words = len(body.split())
    rng = random.Random(f"edit:{kind}:{seed}:{variant}")
    base = Doc(f"{name}-0.txt", text, body, dict(exp))
    if kind in ("a", "b"):
        if words < 300 or not any(len(_sentences(p)) >= 3 for p in paras):
            return None
        donors = [s for d in range(3) for s in _donor_sentences(900_000 + seed * 7 + d + 3 * variant)
                  if s not in body]
        new_text, new_body = _replace_sentence(text, body, rng, rng.choice(donors))
        fields = dict(exp)
        if kind == "b":
            if exp["subtitle"] is None:
                return None
            _, other = synth(800_000 + seed)
            if other["subtitle"] is None or other["title"] == exp["title"]:
                return None
            head, rest = new_text.split("\n", 1)
            at = head.index("date ")
            head = head[:at] + f"date {exp['date']} {other['title']}"
            old = "\n" + exp["subtitle"] + "\n"
            assert rest.count(old) == 1
            new_text = head + "\n" + rest.replace(old, "\n" + other["subtitle"] + "\n")
            fields.update(title=other["title"], subtitle=other["subtitle"])
    elif kind == "c":
        if len(paras) < 6 or words < 500:
            return None
        lines = text.split("\n")
        k = _line_index(lines, paras[-1])
        if rng.random() < 0.5:  # remove the last paragraph
            if len(paras[-1].split()) > 0.2 * words:
                return None
            del lines[k:k + (2 if k + 1 < len(lines) and lines[k + 1] == "" else 1)]
            new_body = "\n\n".join(paras[:-1])
        else:  # add one after it
            extra = _donor_paragraph(700_000 + seed, 20, int(0.2 * words))
            if extra is None or extra in body:
                return None
            lines[k + 1:k + 1] = ["", extra]
            new_body = "\n\n".join([*paras, extra])
        new_text = "\n".join(lines)
        fields = dict(exp)
    else:
        raise ValueError(kind)
    if jaccard(body, new_body) < PLANTED_MIN_JACCARD:
        return None
    fields["body"] = new_body
    return base, Doc(f"{name}-{1 + variant}.txt", new_text, new_body, fields)


def planted_pairs(kinds: Iterable[str], per_kind: int, first_seed: int, prefix: str = "near") -> list[tuple[Doc, Doc]]:
    """`per_kind` pairs of each kind from consecutive seeds (those that suit the kind)."""
    out: list[tuple[Doc, Doc]] = []
    seed = first_seed
    for kind in kinds:
        made = 0
        while made < per_kind:
            pair = near_pair(kind, seed, f"{prefix}-{kind}{made:02d}")
            seed += 1
            if pair is not None:
                out.append(pair)
                made += 1
    return out


def unrelated_pages(n: int, first_seed: int, prefix: str = "page") -> list[Doc]:
    docs = []
    for i in range(n):
        text, exp = synth(first_seed + i)
        docs.append(Doc(f"{prefix}-{i:03d}.txt", text, exp["body"], dict(exp)))
    return docs


def write_docs(root: Path, docs: Iterable[Doc]) -> int:
    n = 0
    for d in docs:
        path = root / d.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(d.text, encoding="utf-8")
        n += 1
    return n


# ---------------------------------------------------------------------------------------------
# Reading a build (shared with test_splits_tasks.py)


def read_rejects(out: Path) -> list[dict[str, Any]]:
    text = (out / "rejects.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def read_rows(out: Path, config: str = "data", columns: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows of every shard of one config folder, by split."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for f in sorted((out / config).glob("*.parquet")):
        split = f.name.split("-")[0]
        rows.setdefault(split, []).extend(pq.read_table(f, columns=columns).to_pylist())
    return rows


def split_of_source(out: Path) -> dict[str, str]:
    return {r["source"]: split for split, rs in read_rows(out, columns=["source"]).items() for r in rs}


def manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def assert_conserved(out: Path, result: newsset.BuildResult | None, inputs: int) -> None:
    """Every input is a row or a reject line, and the result (None for a CLI build), the manifest and
    the files agree."""
    shard_rows = sum(pq.read_metadata(f).num_rows for f in (out / "data").glob("*.parquet"))
    reject_lines = len(read_rejects(out))
    assert shard_rows + reject_lines == inputs, (shard_rows, reject_lines, inputs)
    if result is not None:
        assert result.inputs == inputs
        assert result.total_rows == shard_rows and result.total_rejected == reject_lines
    m = manifest(out)
    assert m["inputs"]["items"] == inputs
    assert m["inputs"]["accepted"] == shard_rows and m["inputs"]["rejected"] == reject_lines
    assert m["rejects"]["rows"] == reject_lines
    assert sum(m["inputs"]["rejected_by_code"].values()) == reject_lines


def parquet_digests(out: Path) -> dict[str, str]:
    """sha256 of every Parquet file of a build (all configs), by path inside the folder."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.parquet"))}


class Components:
    """Union-find over source names."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# ---------------------------------------------------------------------------------------------
# The corpus of this module


N_UNRELATED = 150
PER_KIND = 25  # 75 planted pairs


@dataclass
class Corpus:
    root: Path
    clean: Path  # the unrelated pages and their exact copies: no near duplicate at all
    inputs: int
    clean_inputs: int
    pairs: list[tuple[Doc, Doc]]
    unrelated: list[Doc]
    exact: list[tuple[str, str, str]]  # (kept source, rejected source, expected code)
    docs: dict[str, Doc]

    def build(self, out: Path, root: Path | None = None, **options: Any) -> newsset.BuildResult:
        result = newsset.build([root or self.root], out, **options)
        assert result.written
        assert_conserved(out, result, self.clean_inputs if root == self.clean else self.inputs)
        return result


def _exact_copies(unrelated: list[Doc]) -> tuple[list[Doc], list[tuple[str, str, str]]]:
    """Copies of unrelated pages whose body is the same once normalised (and identical files)."""
    docs: list[Doc] = []
    expect: list[tuple[str, str, str]] = []

    def add(orig: Doc, name: str, text: str, code: str, first_para: str | None = None) -> None:
        paras = orig.body.split("\n\n")
        body = "\n\n".join([first_para.strip(" "), *paras[1:]]) if first_para is not None else orig.body
        fields = {**orig.fields, "body": body}
        if code == "dataset.duplicate-body" and first_para is None:
            fields["title"] = text.split("\n", 1)[0].split(f"date {orig.fields['date']} ", 1)[1]
        docs.append(Doc(name, text, body, fields))
        kept, dropped = sorted((orig.name, name))
        expect.append((kept, dropped, code))

    for i, orig in enumerate(unrelated[:16]):
        lines = orig.text.split("\n")
        paras = orig.body.split("\n\n")
        first = _line_index(lines, paras[0])
        kind = i % 4
        # Half the copies sort before their original, half after: the kept one is always the first.
        name = (f"copy-{i:02d}.txt" if i % 8 < 4 else f"zz-copy-{i:02d}.txt")
        if kind == 0:  # other whitespace inside the body: doubled spaces, a tab
            lines[first] = lines[first].replace(" ", "  ", 3).replace(" ", "\t", 1)
            add(orig, name, "\n".join(lines), "dataset.duplicate-body", lines[first])
        elif kind == 1:  # other letter case
            lines[first] = lines[first].upper()
            add(orig, name, "\n".join(lines), "dataset.duplicate-body", lines[first])
        elif kind == 2:  # another title: another id, the same body
            head, rest = orig.text.split("\n", 1)
            head = head[:head.index("date ")] + f"date {orig.fields['date']} A different headline number {i}"
            add(orig, name, head + "\n" + rest, "dataset.duplicate-body")
        else:  # the same bytes
            add(orig, name, orig.text, "dataset.duplicate-id")
    return docs, expect


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("leak") / "raw"
    clean = root.parent / "clean"
    unrelated = unrelated_pages(N_UNRELATED, 10_000)
    pairs = planted_pairs("abc", PER_KIND, 20_000)
    copies, exact = _exact_copies(unrelated)
    docs = [*unrelated, *(d for p in pairs for d in p), *copies]
    names = [d.name for d in docs]
    assert len(set(names)) == len(names)
    inputs = write_docs(root, docs)
    clean_inputs = write_docs(clean, [*unrelated, *copies])
    return Corpus(root, clean, inputs, clean_inputs, pairs, unrelated, exact, {d.name: d for d in docs})


@pytest.fixture(scope="module")
def builds(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Builds of the module corpus, made once per set of options and shared by the tests."""
    made: dict[str, Path] = {}
    base = tmp_path_factory.mktemp("builds")
    options: dict[str, dict[str, Any]] = {
        "keep": {"near_dup": "keep"},
        "drop": {"near_dup": "drop"},
        "off": {"near_dup": "off"},
    }

    def get(name: str) -> Path:
        if name not in made:
            out = base / name
            corpus.build(out, **options[name])
            made[name] = out
        return made[name]

    return get


# ---------------------------------------------------------------------------------------------
# Tests


def test_corpus_pages_parse_to_their_planted_bodies(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    """The fixture itself: each page (planted edits included) became a row with the intended body,
    except the exact copies, which are rejects."""
    out = builds("keep")
    rows = {r["source"]: r for rs in read_rows(out).values() for r in rs}
    rejected = {r["source"]: r for r in read_rejects(out)}
    assert len(rows) + len(rejected) == corpus.inputs
    assert {r["code"] for r in rejected.values()} <= {"dataset.duplicate-body", "dataset.duplicate-id"}
    for name, doc in corpus.docs.items():
        if name in rejected:
            continue
        assert rows[name]["body"] == doc.body, name
        assert rows[name]["title"] == doc.fields["title"], name
        assert rows[name]["subtitle"] == doc.fields["subtitle"], name
    assert len(corpus.pairs) >= 60
    for kind in "abc":
        assert sum(1 for a, _ in corpus.pairs if a.name.startswith(f"near-{kind}")) >= 20


def _near_dup_links(out: Path) -> list[tuple[str, str]]:
    return [(r["source"], r["kept"]["source"]) for r in read_rejects(out) if r["code"] == "dataset.near-duplicate"]


def test_near_duplicate_recall_and_precision(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("drop")
    links = _near_dup_links(out)
    comp = Components()
    for a, b in links:
        comp.union(a, b)
    planted_group = {d.name: i for i, pair in enumerate(corpus.pairs) for d in pair}
    found = [(a.name, b.name) for a, b in corpus.pairs if comp.find(a.name) == comp.find(b.name)]
    recall = len(found) / len(corpus.pairs)
    good = [(a, b) for a, b in links if a in planted_group and planted_group[a] == planted_group.get(b)]
    precision = len(good) / len(links) if links else 0.0
    missed = [(a.name, round(jaccard(a.body, b.body), 3)) for a, b in corpus.pairs
              if comp.find(a.name) != comp.find(b.name)]
    by_kind = {k: sum(1 for a, _ in found if a.startswith(f"near-{k}")) for k in "abc"}
    shorter = sum(1 for a, b in corpus.pairs if a.name.startswith("near-c") and len(b.body) < len(a.body))
    assert 5 <= shorter <= PER_KIND - 5  # kind c both removes and adds a paragraph
    sims = sorted(jaccard(a.body, b.body) for a, b in corpus.pairs)
    print(f"\nnear-duplicate guard (threshold 0.7, near_dup=drop): {len(corpus.pairs)} planted pairs "
          f"(true Jaccard {sims[0]:.3f}..{sims[-1]:.3f}), {len(links)} links; recall {recall:.3f} "
          f"({len(found)}/{len(corpus.pairs)}; found by kind {by_kind}; kind c: {shorter} with a paragraph removed, "
          f"{PER_KIND - shorter} added), precision {precision:.3f} "
          f"({len(good)}/{len(links)}); missed {missed}; false links {sorted(set(links) - set(good))}")
    assert recall >= 0.95, missed
    assert precision >= 0.95, sorted(set(links) - set(good))
    # The kept record of every dropped pair is the first of the pair in sorted source order.
    for a, b in links:
        assert b < a
    leak = manifest(out)["leakage"]
    assert leak["mode"] == "drop" and leak["dropped"] == len(links)
    assert leak["clusters"] == len({b for _, b in links})
    assert leak["cross_split_pairs"] == 0


def test_unrelated_pages_and_exact_copies_are_never_linked(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("drop")
    links = _near_dup_links(out)
    linked = {s for link in links for s in link}
    unrelated = {d.name for d in corpus.unrelated} | {dropped for _, dropped, _ in corpus.exact}
    assert not linked & unrelated, sorted(linked & unrelated)
    # Each planted cluster is one pair, so the guard found exactly one pair per link.
    assert manifest(builds("keep"))["leakage"]["near_duplicate_pairs"] == len(links)


def test_keep_puts_every_planted_pair_in_one_split(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("keep")
    where = split_of_source(out)
    straddling = [(a.name, where[a.name], b.name, where[b.name]) for a, b in corpus.pairs
                  if where[a.name] != where[b.name]]
    assert not straddling
    assert len({where[a.name] for a, _ in corpus.pairs}) == 3  # the pairs are spread over all splits
    m = manifest(out)
    leak = m["leakage"]
    assert leak["mode"] == "keep"
    assert leak["cross_split_pairs"] == 0
    assert leak["dropped"] == 0 and leak["split_leaks_dropped"] == 0
    assert leak["clusters"] >= 0.95 * len(corpus.pairs)
    assert leak["co_located"] == leak["records_in_clusters"] >= 2 * leak["clusters"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"| near-duplicate clusters | {leak['clusters']} |" in card
    assert "| **near-duplicate pairs across splits** | **0** |" in card
    assert "## Leakage" in card


def test_keep_and_drop_find_the_same_clusters(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    keep, drop = manifest(builds("keep"))["leakage"], manifest(builds("drop"))["leakage"]
    for k in ("near_duplicate_pairs", "clusters", "records_in_clusters"):
        assert keep[k] == drop[k], k
    assert drop["dropped"] == drop["records_in_clusters"] - drop["clusters"]


def test_guard_off_links_nothing(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("off")
    m = manifest(out)
    assert m["leakage"]["mode"] == "off"
    # (outside audit h29: it said 0 near-duplicate pairs across splits, in bold, having measured none)
    assert set(m["leakage"]) == {"mode", "threshold", "exact_duplicates_removed"}
    assert not _near_dup_links(out)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "The near-duplicate guard was off" in card and "| near-duplicate pairs across splits | not checked |" in card
    assert "near-duplicate clusters" not in card


def test_exact_duplicates_by_normalised_body(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    for mode in ("keep", "drop", "off"):
        out = builds(mode)
        rejects = {r["source"]: r for r in read_rejects(out)}
        rows = split_of_source(out)
        for kept, dropped, code in corpus.exact:
            r = rejects[dropped]
            assert r["code"] == code, (mode, dropped, r)
            assert r["kept"]["source"] == kept, (mode, dropped, r)
            assert kept in rows and dropped not in rows
            if code == "dataset.duplicate-id":
                assert r["id"] == r["kept"]["id"]
            else:
                assert r["id"] != r["kept"]["id"]
        assert manifest(out)["leakage"]["exact_duplicates_removed"] == len(corpus.exact)
        assert manifest(out)["inputs"]["rejected_by_code"].get("dataset.duplicate-body") == \
            sum(1 for *_, c in corpus.exact if c == "dataset.duplicate-body")


def test_exact_duplicate_kept_id_is_the_kept_row(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("keep")
    ids = {r["source"]: r["id"] for rs in read_rows(out, columns=["source", "id"]).values() for r in rs}
    for r in read_rejects(out):
        assert ids[r["kept"]["source"]] == r["kept"]["id"]


@pytest.mark.parametrize("options", [{}, {"group_by": "author"}, {"split": "date", "cutoffs": "2022-01-01,2024-01-01"}],
                         ids=["hash", "group-by-author", "date"])
def test_guard_off_and_keep_write_the_same_bytes_without_near_duplicates(
        corpus: Corpus, tmp_path: Path, options: dict[str, Any]) -> None:
    """Two code paths (one pass when off; spill and second pass when on) give the same shards.
    The clean corpus has exact duplicates but no near duplicate."""
    keep = corpus.build(tmp_path / "keep", root=corpus.clean, near_dup="keep", **options)
    off = corpus.build(tmp_path / "off", root=corpus.clean, near_dup="off", **options)
    assert keep.leakage.pairs == 0 and keep.total_rejected == len(corpus.exact) == off.total_rejected
    assert keep.rows == off.rows and len(keep.rows) == 3
    a, b = parquet_digests(tmp_path / "keep"), parquet_digests(tmp_path / "off")
    assert a == b
    assert any(p.startswith("data/") for p in a) and any(not p.startswith("data/") for p in a)
    assert (tmp_path / "keep" / "rejects.jsonl").read_bytes() == (tmp_path / "off" / "rejects.jsonl").read_bytes()


def test_guard_off_and_keep_agree_over_many_batches(tmp_path: Path) -> None:
    """A bigger corpus (`synth.write_corpus`: with bad pages and identical copies) spans several
    1024-record batches and more than one 2048-row row group: still the same bytes, and not one
    near-duplicate link between its unrelated pages."""
    root = tmp_path / "raw"
    counts = write_corpus(root, 2400, seed=3)
    opts: dict[str, Any] = {"ratios": "0.9,0.05,0.05"}
    keep = newsset.build([root], tmp_path / "keep", near_dup="keep", **opts)
    off = newsset.build([root], tmp_path / "off", near_dup="off", **opts)
    for out, result in ((tmp_path / "keep", keep), (tmp_path / "off", off)):
        assert_conserved(out, result, counts["files"])
    assert keep.rejected == off.rejected and keep.rejected["dataset.duplicate-id"] == counts["duplicates"]
    assert keep.leakage.pairs == 0
    assert keep.rows["train"] > 2048
    assert pq.read_metadata(tmp_path / "keep" / "data" / "train-00000-of-00001.parquet").num_row_groups >= 2
    assert parquet_digests(tmp_path / "keep") == parquet_digests(tmp_path / "off")


BUILD_OPTIONS: dict[str, dict[str, Any]] = {
    "hash-keep": {},
    "hash-drop": {"near_dup": "drop"},
    "hash-off": {"near_dup": "off"},
    "hash-seed7-ratios": {"seed": 7, "ratios": "0.6,0.2,0.2"},
    "date-keep": {"split": "date", "cutoffs": "2022-01-01,2024-01-01"},
    "date-drop": {"split": "date", "cutoffs": "2022-01-01,2024-01-01", "near_dup": "drop"},
    "group-author": {"group_by": "author"},
    "group-publication-drop": {"group_by": "publication", "near_dup": "drop"},
    "no-tasks": {"no_tasks": True},
    "allow-truncated": {"allow_truncated": True},
}


@pytest.mark.parametrize("config", sorted(BUILD_OPTIONS))
def test_same_inputs_twice_give_byte_identical_files(corpus: Corpus, tmp_path: Path, config: str) -> None:
    opts = BUILD_OPTIONS[config]
    corpus.build(tmp_path / "one", **opts)
    corpus.build(tmp_path / "two", **opts)
    one, two = parquet_digests(tmp_path / "one"), parquet_digests(tmp_path / "two")
    assert one and one == two
    assert (tmp_path / "one" / "rejects.jsonl").read_bytes() == (tmp_path / "two" / "rejects.jsonl").read_bytes()


def test_listing_order_does_not_change_the_bytes(corpus: Corpus, tmp_path: Path,
                                                 builds: Callable[[str], Path]) -> None:
    """The corpus copied file by file in reverse order (another directory listing order)."""
    other = tmp_path / "raw"
    other.mkdir()
    for f in sorted(corpus.root.iterdir(), reverse=True):
        shutil.copyfile(f, other / f.name)
    result = newsset.build([other], tmp_path / "out")
    assert_conserved(tmp_path / "out", result, corpus.inputs)
    assert parquet_digests(tmp_path / "out") == parquet_digests(builds("keep"))


def test_cli_build_matches_the_api(corpus: Corpus, tmp_path: Path, builds: Callable[[str], Path],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["build", str(corpus.root), "--out", str(out), "--near-dup", "drop"]) == 0
    assert_conserved(out, None, corpus.inputs)
    err = capsys.readouterr().err
    dropped = manifest(out)["leakage"]["dropped"]
    assert f"{dropped} dropped" in err and "0 across splits" in err
    assert parquet_digests(out) == parquet_digests(builds("drop"))
    assert (out / "rejects.jsonl").read_bytes() == (builds("drop") / "rejects.jsonl").read_bytes()
