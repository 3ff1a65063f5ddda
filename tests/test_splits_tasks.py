"""Splits (by date, grouped), task configs and the dataset card, on seeded synthetic pages.

The module corpus: unrelated pages (a few dated exactly on or next to the cutoffs) and planted
near-duplicate pairs, some of whose two pages are dated on either side of a cutoff and some of
whose edit names another author (so that a near-duplicate cluster joins two author groups).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

import newsset
from newsset import ConfigError
from newsset.cli import main
from newsset.verify import verify
from tests.test_leakage import (
    Doc,
    assert_conserved,
    manifest,
    near_pair,
    planted_pairs,
    read_rejects,
    read_rows,
    set_date,
    split_of_source,
    synth,
    unrelated_pages,
    write_docs,
)

A, B = "2023-01-01", "2024-07-01"
CUTOFFS = f"{A},{B}"
SPLITS = ("train", "validation", "test")
USER_START, USER_END = "<!-- newsset:user-start -->", "<!-- newsset:user-end -->"
LICENSE = "cc-by-4.0"
CITATION = "@misc{synthnews2024,\n  title = {Synthetic News},\n  year = {2024}\n}"
SHARD = re.compile(r"^(?P<config>[a-z][a-z0-9_]*)/(?P<split>train|validation|test)-(?P<i>\d{5})-of-(?P<n>\d{5})"
                   r"\.parquet$")
FIELDS = list(newsset.FIELDS)

# (base date, edit date) of the first planted pairs; the later-dated page sometimes sorts first.
PAIR_DATES: list[tuple[str, str]] = [
    ("2022-12-31", A),               # straddles A by one day
    (A, "2022-12-31"),               # the same, the earlier page sorts second
    ("2024-06-30", B),               # straddles B by one day
    (B, "2024-06-30"),
    ("2021-05-05", "2025-02-02"),    # train and test
    ("2025-03-03", "2020-01-01"),    # test and train, the earlier page sorts second
    ("2023-05-05", "2023-06-06"),    # different dates, both in validation
    ("2019-02-02", "2022-12-31"),    # both in train
    (B, "2025-12-31"),               # both in test
]
STRADDLING = 6  # the first six pairs cross a cutoff
TRIPLE_DATES = ("2025-01-01", "2023-06-01", "2022-06-01")  # test, validation, train


def date_split(date: str) -> str:
    return "train" if date < A else "validation" if date < B else "test"


@dataclass
class Corpus:
    root: Path
    inputs: int
    pairs: list[tuple[Doc, ...]]
    triple: tuple[Doc, ...]
    dates: dict[str, str]  # source -> date
    author_swaps: list[tuple[str, str, str]]  # (edit source, its author, the author of its base)
    nobio: Path  # pages that never have an author bio
    nobio_inputs: int


def _swap_author(doc: Doc, new: str) -> Doc:
    """The page with its author (byline, signature, bio) named `new`; the body is unchanged."""
    old = doc.fields["author"]
    paras = set(doc.body.split("\n\n"))
    lines = [ln if ln.rstrip(" ") in paras else ln.replace(old, new) for ln in doc.text.split("\n")]
    return Doc(doc.name, "\n".join(lines), doc.body, {**doc.fields, "author": new})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    base = tmp_path_factory.mktemp("splits")
    root = base / "raw"
    unrelated = unrelated_pages(120, 30_000)
    for doc, date in zip(unrelated, ("2022-12-31", A, "2024-06-30", B)):  # pages on the cutoffs
        doc.text, doc.fields = set_date(doc.text, date), {**doc.fields, "date": date}
    pairs = planted_pairs("abc", 6, 40_000)
    for k, (date0, date1) in enumerate(PAIR_DATES):
        a, b = pairs[k]
        pairs[k] = (Doc(a.name, set_date(a.text, date0), a.body, {**a.fields, "date": date0}),
                    Doc(b.name, set_date(b.text, date1), b.body, {**b.fields, "date": date1}))
    # Three edits name the author of an unrelated page: the cluster must join two author groups.
    swaps = []
    donors = [d for d in unrelated[10:] if d.fields["author"]]
    candidates = [k for k in range(len(PAIR_DATES), len(pairs)) if pairs[k][1].fields["author"]]
    for k, donor in zip(candidates[:3], donors):
        a, b = pairs[k]
        pairs[k] = (a, _swap_author(b, donor.fields["author"]))
        swaps.append((b.name, donor.fields["author"], a.fields["author"]))
    # A cluster of three, one page per split: the earliest (the last in sorted order) is kept.
    seed = 45_000
    while (one := near_pair("a", seed, "near-t")) is None or (two := near_pair("a", seed, "near-t", 1)) is None \
            or one[1].body == two[1].body:
        seed += 1
    triple = tuple(Doc(d.name, set_date(d.text, date), d.body, {**d.fields, "date": date})
                   for d, date in zip((one[0], one[1], two[1]), TRIPLE_DATES))
    docs = [*unrelated, *(d for p in pairs for d in p), *triple]
    inputs = write_docs(root, docs)
    nobio_docs = []
    seed = 50_000
    while len(nobio_docs) < 40:
        text, exp = synth(seed)
        if exp["author_bio"] is None:
            nobio_docs.append(Doc(f"nobio-{seed}.txt", text, exp["body"], exp))
        seed += 1
    nobio_inputs = write_docs(base / "nobio", nobio_docs)
    return Corpus(root, inputs, pairs, triple, {d.name: d.fields["date"] for d in docs}, swaps, base / "nobio",
                  nobio_inputs)


@pytest.fixture(scope="module")
def builds(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Builds of the module corpus, made once per set of options and shared by the tests."""
    made: dict[str, Path] = {}
    base = tmp_path_factory.mktemp("builds")
    options: dict[str, dict[str, Any]] = {
        "hash": {},
        "date": {"split": "date", "cutoffs": CUTOFFS},
        "date-drop": {"split": "date", "cutoffs": CUTOFFS, "near_dup": "drop"},
        "author": {"group_by": "author", "ratios": "0.6,0.2,0.2"},
        "allow-truncated": {"allow_truncated": True},
        "no-tasks": {"no_tasks": True},
    }

    def get(name: str) -> Path:
        if name not in made:
            out = base / name
            if name == "cli":  # the card's license and citation come from the command line
                assert main(["build", str(corpus.root), "--out", str(out), "--license", LICENSE,
                             "--citation", CITATION, "--name", "Synthetic News", "-q"]) == 0
                assert_conserved(out, None, corpus.inputs)
            else:
                result = newsset.build([corpus.root], out, **options[name])
                assert result.written
                assert_conserved(out, result, corpus.inputs)
            made[name] = out
        return made[name]

    return get


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Offline Hugging Face settings and a private cache folder."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    return str(tmp_path / "cache")


def front_matter(out: Path) -> dict[str, Any]:
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n", 2)[1])


def card_of(out: Path) -> str:
    return (out / "README.md").read_text(encoding="utf-8")


def iso(d: Any) -> str:
    return d.isoformat()


# ---------------------------------------------------------------------------------------------
# Split by date


def test_date_split_puts_every_record_in_its_half_open_range(builds: Callable[[str], Path]) -> None:
    out = builds("date")
    rows = read_rows(out, columns=["date", "source"])
    assert set(rows) == set(SPLITS)
    for split, rs in rows.items():
        for r in rs:
            assert date_split(iso(r["date"])) == split, (split, r)
    # The pages dated exactly on a cutoff open the later split; the day before closes the earlier one.
    where = {r["source"]: s for s, rs in rows.items() for r in rs}
    assert [where[f"page-{i:03d}.txt"] for i in range(4)] == ["train", "validation", "validation", "test"]


def test_date_split_drops_the_later_copy_of_a_pair_across_a_cutoff(corpus: Corpus,
                                                                    builds: Callable[[str], Path]) -> None:
    out = builds("date")
    where = split_of_source(out)
    rejects = {r["source"]: r for r in read_rejects(out)}
    assert {r["code"] for r in rejects.values()} == {"dataset.split-leak"}
    for k, (a, b) in enumerate(corpus.pairs):
        da, db = corpus.dates[a.name], corpus.dates[b.name]
        if k < STRADDLING:
            assert date_split(da) != date_split(db)
            early, late = (a, b) if da < db else (b, a)
            assert early.name in where and where[early.name] == date_split(corpus.dates[early.name])
            assert late.name not in where
            r = rejects[late.name]
            assert r["code"] == "dataset.split-leak"
            assert r["kept"]["source"] == early.name
        else:
            assert a.name in where and b.name in where
            assert where[a.name] == where[b.name] == date_split(da)
    late, middle, early = corpus.triple
    assert where.get(early.name) == "train" and late.name not in where and middle.name not in where
    assert rejects[late.name]["kept"]["source"] == rejects[middle.name]["kept"]["source"] == early.name
    m = manifest(out)
    leak = m["leakage"]
    assert leak["split_leaks_dropped"] == STRADDLING + 2 == len(rejects)
    assert leak["cross_split_pairs"] == 0
    assert m["inputs"]["rejected_by_code"] == {"dataset.split-leak": STRADDLING + 2}


def test_date_split_with_drop_keeps_one_record_per_cluster(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("date-drop")
    where = split_of_source(out)
    for cluster in (*corpus.pairs, corpus.triple):
        assert sum(d.name in where for d in cluster) == 1, [d.name for d in cluster]
    rejects = {r["source"]: r for r in read_rejects(out)}
    assert rejects[corpus.triple[1].name]["kept"]["source"] == corpus.triple[0].name  # the first in sorted order
    assert {r["code"] for r in rejects.values()} == {"dataset.near-duplicate"}
    assert manifest(out)["leakage"]["cross_split_pairs"] == 0


def test_date_split_is_recorded_in_manifest_and_card(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("date")
    m = manifest(out)
    assert m["split"]["strategy"] == "date"
    assert m["split"]["cutoffs"] == [A, B]
    assert m["options"]["cutoffs"] == [A, B] and m["options"]["split"] == "date"
    card = card_of(out)
    assert f"train before {A}, validation from {A} up to {B}, test from {B} on" in card
    for split, rs in read_rows(out, columns=["date"]).items():
        lo, hi = iso(min(r["date"] for r in rs)), iso(max(r["date"] for r in rs))
        assert m["split"]["splits"][split]["date_range"] == [lo, hi]
        assert re.search(rf"^\| {split} \| {len(rs)} \| {lo} \| {hi} \|", card, re.M), split


BAD_CUTOFFS = ["2024-07-01,2023-01-01", "2023-01-01", "2023-01-01,2024-07-01,2025-01-01", "2023-02-30,2024-01-01",
               "2023-1-1,2024-01-01", "yesterday,today", "", "2023-01-01,"]


@pytest.mark.parametrize("cutoffs", BAD_CUTOFFS)
def test_bad_cutoffs_are_config_errors(cutoffs: str, corpus: Corpus, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="--cutoffs"):
        newsset.build([corpus.root], out, split="date", cutoffs=cutoffs)
    assert main(["build", str(corpus.root), "--out", str(out), "--split", "date", f"--cutoffs={cutoffs}"]) == 2
    assert "--cutoffs" in capsys.readouterr().err
    assert not out.exists()


def test_iso_week_date_cutoff_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--cutoffs"):
        newsset.build([corpus.nobio], tmp_path / "out", split="date", cutoffs="2023-W01-1,2024-07-01")


def test_date_split_needs_cutoffs_and_refuses_group_by(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="--cutoffs"):
        newsset.build([corpus.root], out, split="date")
    with pytest.raises(ConfigError, match="--group-by"):
        newsset.build([corpus.root], out, split="date", cutoffs=CUTOFFS, group_by="author")
    assert main(["build", str(corpus.root), "--out", str(out), "--split", "date", "--cutoffs", CUTOFFS,
                 "--group-by", "author"]) == 2
    assert main(["build", str(corpus.root), "--out", str(out), "--split", "date"]) == 2
    assert not out.exists()


def test_empty_splits_are_left_out_of_files_yaml_and_tasks(tmp_path: Path, hf_cache: str) -> None:
    """Date cutoffs after every page: no test split anywhere. Pages dated in the validation range
    have no standfirst: summarization has no validation split, and the card says so."""
    docs = []
    seed = 60_000
    while len(docs) < 30:
        text, exp = synth(seed)
        seed += 1
        if len(docs) < 24 and exp["subtitle"] is not None and not exp["truncated"]:
            docs.append(Doc(f"early-{seed}.txt", set_date(text, "2020-06-01"), exp["body"], exp))
        elif len(docs) >= 24 and exp["subtitle"] is None:
            docs.append(Doc(f"late-{seed}.txt", set_date(text, "2025-06-01"), exp["body"], exp))
    write_docs(tmp_path / "raw", docs)
    out = tmp_path / "out"
    result = newsset.build([tmp_path / "raw"], out, split="date", cutoffs="2021-01-01,2030-01-01")
    assert_conserved(out, result, len(docs))
    assert result.rows == {"train": 24, "validation": 6}
    assert result.configs["summarization"] == {"train": 24}
    assert not list(out.rglob("test-*.parquet")) and not list(out.rglob("summarization/validation-*"))
    configs = {c["config_name"]: c for c in front_matter(out)["configs"]}
    assert [f["split"] for f in configs["default"]["data_files"]] == ["train", "validation"]
    assert [f["split"] for f in configs["summarization"]["data_files"]] == ["train"]
    card = card_of(out)
    assert "Empty splits are left out of the files and the YAML: test." in card
    assert "Split(s) validation left out" in _table_row(card, "`summarization`")[-1]
    # lm-evaluation-harness needs validation or test documents: summarization gets no YAML, headlines do.
    assert not (out / "lm_eval" / "summarization.yaml").exists()
    assert "No `lm_eval/` YAML" in _table_row(card, "`summarization`")[-1]
    doc = yaml.safe_load((out / "lm_eval" / "headline_generation.yaml").read_text(encoding="utf-8"))
    assert doc["training_split"] == "train" and doc["validation_split"] == "validation" and "test_split" not in doc
    assert sorted(newsset.load(out, cache_dir=hf_cache)) == ["train", "validation"]
    assert sorted(newsset.load(out, "summarization", cache_dir=hf_cache)) == ["train"]


# ---------------------------------------------------------------------------------------------
# Grouped hash split


def test_group_by_author_keeps_each_author_in_one_split(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("author")
    rows = read_rows(out, columns=["author", "source"])
    splits_of: dict[str, set[str]] = {}
    null_splits: Counter[str] = Counter()
    for split, rs in rows.items():
        for r in rs:
            if r["author"] is None:
                null_splits[split] += 1
            else:
                splits_of.setdefault(r["author"], set()).add(split)
    assert all(len(s) == 1 for s in splits_of.values()), {a: s for a, s in splits_of.items() if len(s) > 1}
    assert set(rows) == set(SPLITS)
    assert sum(1 for a in splits_of if sum(r["author"] == a for rs in rows.values() for r in rs) > 1) >= 10
    # Records without an author are split one by one, not lumped together as one group.
    assert sum(null_splits.values()) >= 20 and len(null_splits) >= 2, null_splits
    m = manifest(out)
    assert m["split"]["group_by"] == "author" and m["options"]["group_by"] == "author"
    assert "grouped by `author`" in card_of(out)


def test_group_by_author_also_keeps_near_duplicates_together(corpus: Corpus, builds: Callable[[str], Path]) -> None:
    out = builds("author")
    where = split_of_source(out)
    assert not read_rejects(out)
    for cluster in (*corpus.pairs, corpus.triple):
        assert len({where[d.name] for d in cluster}) == 1, [d.name for d in cluster]
    authors = {r["source"]: r["author"] for rs in read_rows(out, columns=["author", "source"]).values() for r in rs}
    split_of_author = {authors[s]: sp for s, sp in where.items() if authors[s] is not None}
    assert len(corpus.author_swaps) == 3
    for edit, author, base_author in corpus.author_swaps:
        assert authors[edit] == author and author != base_author
        # The cluster joined two author groups: both are whole, in the pair's split.
        assert split_of_author[author] == split_of_author[base_author] == where[edit]
    assert manifest(out)["leakage"]["cross_split_pairs"] == 0


@pytest.mark.parametrize("field", ["nope", "Author", ""])
def test_group_by_unknown_field_is_a_config_error(field: str, corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"--group-by: the schema has no field '{field}'"):
        newsset.build([corpus.root], tmp_path / "out", group_by=field)
    assert not (tmp_path / "out").exists()


def test_group_by_unknown_field_on_the_command_line_exits_2(corpus: Corpus, tmp_path: Path) -> None:
    assert main(["build", str(corpus.root), "--out", str(tmp_path / "out"), "--group-by", "nope"]) == 2


# ---------------------------------------------------------------------------------------------
# Task configs


def _shards(out: Path) -> list[re.Match[str]]:
    found = []
    for p in sorted(out.rglob("*.parquet")):
        rel = p.relative_to(out).as_posix()
        m = SHARD.match(rel)
        assert m, rel
        found.append(m)
    return found


def test_task_shards_have_their_own_folders(builds: Callable[[str], Path]) -> None:
    out = builds("hash")
    shards = _shards(out)
    configs = {m["config"] for m in shards}
    assert configs == {"data", "headline_generation", "summarization"}
    columns = {"data": FIELDS, "headline_generation": ["id", "document", "headline"],
               "summarization": ["id", "document", "summary"]}
    for m in shards:
        assert pq.read_schema(out / m.group(0)).names == columns[m["config"]], m.group(0)
        assert int(m["i"]) < int(m["n"])
    by_split = Counter((m["config"], m["split"], m["n"]) for m in shards)
    assert all(int(n) == count for (_, _, n), count in by_split.items())
    listed = {(f["config"], f["path"]) for f in manifest(out)["files"]}
    assert listed == {("default" if m["config"] == "data" else m["config"], m.group(0)) for m in shards}


def _count(rows: dict[str, list[dict[str, Any]]], keep: Callable[[dict[str, Any]], bool]) -> dict[str, set[str]]:
    return {s: {r["id"] for r in rs if keep(r)} for s, rs in rows.items()}


def test_summarization_rows_are_untruncated_records_with_a_standfirst(builds: Callable[[str], Path]) -> None:
    for name, allow in (("hash", False), ("allow-truncated", True)):
        out = builds(name)
        full = read_rows(out, columns=["id", "subtitle", "truncated"])
        want = _count(full, lambda r, allow=allow: r["subtitle"] is not None and (allow or not r["truncated"]))
        got = {s: {r["id"] for r in rs} for s, rs in read_rows(out, "summarization", ["id"]).items()}
        assert got == {s: ids for s, ids in want.items() if ids}, name
        assert manifest(out)["configs"]["summarization"] == {s: len(ids) for s, ids in want.items() if ids}
        heads = {s: {r["id"] for r in rs} for s, rs in read_rows(out, "headline_generation", ["id"]).items()}
        assert heads == _count(full, lambda r: True)
    strict = sum(manifest(builds("hash"))["configs"]["summarization"].values())
    loose = sum(manifest(builds("allow-truncated"))["configs"]["summarization"].values())
    assert loose > strict
    assert manifest(builds("hash"))["tasks"]["summarization"]["untruncated"] is True
    assert manifest(builds("allow-truncated"))["tasks"]["summarization"]["untruncated"] is False
    assert "Only untruncated bodies" in _table_row(card_of(builds("hash")), "`summarization`")[-1]
    assert "Only untruncated bodies" not in _table_row(card_of(builds("allow-truncated")), "`summarization`")[-1]


def test_load_gives_task_columns_and_full_records(builds: Callable[[str], Path], hf_cache: str) -> None:
    out = builds("hash")
    full = read_rows(out, columns=["id", "title", "subtitle", "body", "truncated"])
    ds = newsset.load(out, cache_dir=hf_cache)
    assert sorted(ds) == sorted(SPLITS)
    for s in SPLITS:
        assert ds[s].column_names == FIELDS
        assert ds[s].num_rows == len(full[s])
    heads = newsset.load(out, "headline_generation", cache_dir=hf_cache)
    summ = newsset.load(out, "summarization", cache_dir=hf_cache)
    for s in SPLITS:
        assert heads[s].column_names == ["id", "document", "headline"]
        assert summ[s].column_names == ["id", "document", "summary"]
        by_id = {r["id"]: r for r in full[s]}
        assert heads[s].num_rows == len(full[s])
        for row in heads[s]:
            assert row["document"] == by_id[row["id"]]["body"] and row["headline"] == by_id[row["id"]]["title"]
        want = [r["id"] for r in full[s] if r["subtitle"] is not None and not r["truncated"]]
        assert summ[s]["id"] == want
        for row in summ[s]:
            assert row["summary"] == by_id[row["id"]]["subtitle"]


def test_lm_eval_yaml_per_non_empty_task(builds: Callable[[str], Path]) -> None:
    out = builds("hash")
    files = sorted(p.name for p in (out / "lm_eval").iterdir())
    assert files == ["headline_generation.yaml", "summarization.yaml"]
    configs = manifest(out)["configs"]
    for name in ("headline_generation", "summarization"):
        doc = yaml.safe_load((out / "lm_eval" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert doc["dataset_name"] == name
        assert doc["task"] == f"newsset_{name}"
        assert Path(doc["dataset_path"]) == out.absolute()
        splits = {doc.get(k) for k in ("training_split", "validation_split", "test_split")} - {None}
        assert splits == set(configs[name])
        # A model's answer comes after a space (`Headline: X`): exact match must not count it against it.
        assert [f["function"] for f in doc["filter_list"][0]["filter"]] == ["remove_whitespace", "take_first"]
        match = next(m for m in doc["metric_list"] if m["metric"] == "exact_match")
        assert match["ignore_case"] is True and match["ignore_punctuation"] is True


@pytest.mark.parametrize("name", ['ds\ngeneration_kwargs: {until: ["X"]} #', "ds2\nbroken", "a\u2028b\x85c",
                                  "del\x7f", "with space's", "plain"])
def test_any_out_path_gives_lm_eval_yamls_that_parse_to_the_same_keys(tmp_path: Path, name: str) -> None:
    """The path went raw into a comment line: a newline in --out ended it, so the YAML did not parse,
    or gained keys taken from the folder name; verify said ok. (A DEL, left raw by JSON, made the
    card's front matter unreadable too.)"""
    from newsset.tasks import bundled_tasks, lm_eval_yaml
    from newsset.verify import render_verify_text, verify
    from tests.conftest import page

    (tmp_path / "raw").mkdir()
    for i in range(3):
        (tmp_path / "raw" / f"{i}.txt").write_text(page(title=f"Story {i}", paragraphs=(f"Text {i}.", f"More {i}.")))
    out = tmp_path / name
    newsset.build([tmp_path / "raw"], out, ratios="0,0,1")
    clean = {k: v for k, v in yaml.safe_load(lm_eval_yaml(bundled_tasks()["summarization"], "/x", ["test"])).items()
             if k != "dataset_path"}
    for path in sorted((out / "lm_eval").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        assert doc["dataset_path"] == out.absolute().as_posix()
        assert set(doc) == {*clean, "dataset_path"} and doc["generation_kwargs"] == clean["generation_kwargs"]
        assert text.startswith("# ") and text.splitlines()[1].startswith("#   lm_eval ") and \
            text.splitlines()[2].startswith("task: ")
    report = verify(out, load=False)
    assert report.ok, render_verify_text(report)


def test_a_task_with_only_a_train_split_gets_no_lm_eval_yaml(corpus: Corpus, tmp_path: Path) -> None:
    """lm-evaluation-harness refuses a task with neither validation nor test documents."""
    out = tmp_path / "out"
    newsset.build([corpus.root], out, ratios="1,0,0")
    assert not (out / "lm_eval").exists()
    assert set(manifest(out)["configs"]["headline_generation"]) == {"train"}
    assert "No `lm_eval/` YAML: lm-evaluation-harness needs a validation or test split" in card_of(out)
    assert not [m for m in manifest(out)["metadata_files"] if m["path"].startswith("lm_eval/")]


def test_no_tasks_writes_only_the_full_records(builds: Callable[[str], Path]) -> None:
    out = builds("no-tasks")
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["data"]
    assert {m["config"] for m in _shards(out)} == {"data"}
    assert [c["config_name"] for c in front_matter(out)["configs"]] == ["default"]
    assert list(manifest(out)["configs"]) == ["default"]
    assert "## Task configs" not in card_of(out)
    assert front_matter(out)["task_categories"] == ["text-generation"] and "task_ids" not in front_matter(out)
    assert front_matter(builds("hash"))["task_categories"] == ["summarization", "text-generation"]


USER_TASKS = """
[author_attribution]
description = "Who wrote this article?"
columns = { id = "id", text = "body", label = "author" }
require = ["author"]

[bio_writing]
description = "Write the author's bio."
columns = { id = "id", author = "author", bio = "author_bio" }
require = ["author_bio"]
"""


def test_user_tasks_from_toml(corpus: Corpus, tmp_path: Path, hf_cache: str) -> None:
    tasks = tmp_path / "tasks.toml"
    tasks.write_text(USER_TASKS, encoding="utf-8")
    out = tmp_path / "out"
    result = newsset.build([corpus.nobio], out, tasks=tasks)
    assert_conserved(out, result, corpus.nobio_inputs)
    full = read_rows(out, columns=["id", "author", "author_bio", "body"])
    assert all(r["author_bio"] is None for rs in full.values() for r in rs)
    # The user task is a config beside the bundled ones, and loads; its notes read as sentences
    # (consumer audit c37: "Who wrote this article?. Only records with ...").
    assert "| Who wrote this article? Only records with author. |" in (out / "README.md").read_text()
    names = [c["config_name"] for c in front_matter(out)["configs"]]
    assert names == ["default", "headline_generation", "summarization", "author_attribution"]
    ds = newsset.load(out, "author_attribution", cache_dir=hf_cache)
    want = {s: [r["id"] for r in rs if r["author"] is not None] for s, rs in full.items()}
    assert {s: ds[s]["id"] for s in ds} == {s: ids for s, ids in want.items() if ids}
    for s in ds:
        assert ds[s].column_names == ["id", "text", "label"]
        assert None not in ds[s]["label"]
    doc = yaml.safe_load((out / "lm_eval" / "author_attribution.yaml").read_text(encoding="utf-8"))
    assert doc["dataset_name"] == "author_attribution"
    # A task no record qualifies for is left out of the files and the YAML, and the card says why.
    assert not (out / "bio_writing").exists()
    assert not (out / "lm_eval" / "bio_writing.yaml").exists()
    assert manifest(out)["configs"]["bio_writing"] == {}
    assert result.configs["bio_writing"] == {}
    row = next(ln for ln in card_of(out).splitlines() if ln.startswith("| `bio_writing` |"))
    assert "no record qualifies" in row
    assert "author_attribution" in manifest(out)["tasks"]


def test_a_task_description_cannot_break_the_card(corpus: Corpus, tmp_path: Path) -> None:
    """The description is the user's text: a `|` or a line break would end the table row, `<!--`
    would hide the rest of the card, and `newsset build` regenerates the card between its markers."""
    tasks = tmp_path / "tasks.toml"
    tasks.write_text('[odd]\ndescription = "Pick A | B\\nthen <!-- see below"\n'
                     'columns = { id = "id", text = "body", label = "author" }\n', encoding="utf-8")
    out = tmp_path / "out"
    newsset.build([corpus.nobio], out, tasks=tasks)
    card = card_of(out)
    row = next(ln for ln in card.splitlines() if ln.startswith("| `odd` |"))
    assert "Pick A \\| B\\\\nthen &lt;!-- see below" in row and row.count(" | ") == 3
    assert "<!-- see" not in card


def _placeholders(template: str) -> set[str]:
    return set(re.findall(r"\{\{\s*(\w+)\s*\}\}", template))


def test_user_task_prompt_and_target_go_to_lm_eval(corpus: Corpus, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.toml"
    tasks.write_text('[author_attribution]\ncolumns = { id = "id", text = "body", label = "author" }\n'
                     'require = ["author"]\nprompt = "Article:\\n{{text}}\\n\\nAuthor:"\ntarget = "{{label}}"\n',
                     encoding="utf-8")
    out = tmp_path / "out"
    assert_conserved(out, newsset.build([corpus.nobio], out, tasks=tasks), corpus.nobio_inputs)
    doc = yaml.safe_load((out / "lm_eval" / "author_attribution.yaml").read_text(encoding="utf-8"))
    assert doc["doc_to_text"] == "Article:\n{{text}}\n\nAuthor:" and doc["doc_to_target"] == "{{label}}"
    for name, columns in (("headline_generation", {"id", "document", "headline"}),
                          ("summarization", {"id", "document", "summary"})):
        doc = yaml.safe_load((out / "lm_eval" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert _placeholders(doc["doc_to_text"]) == {"document"}
        assert _placeholders(doc["doc_to_target"]) <= columns - {"id", "document"}


@pytest.fixture(scope="module")
def builds_nobio_tasks(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The no-bio pages with a user task that has neither description nor prompt nor target."""
    base = tmp_path_factory.mktemp("nobio-tasks")
    tasks = base / "tasks.toml"
    tasks.write_text('[author_attribution]\ncolumns = { id = "id", text = "body", label = "author" }\n'
                     'require = ["author"]\n', encoding="utf-8")
    result = newsset.build([corpus.nobio], base / "out", tasks=tasks)
    assert_conserved(base / "out", result, corpus.nobio_inputs)
    return base / "out"


def test_user_task_without_prompt_gets_a_usable_lm_eval_yaml(builds_nobio_tasks: Path) -> None:
    doc = yaml.safe_load((builds_nobio_tasks / "lm_eval" / "author_attribution.yaml").read_text(encoding="utf-8"))
    columns = {"id", "text", "label"}
    used_in, used_out = _placeholders(doc["doc_to_text"]), _placeholders(doc["doc_to_target"])
    assert used_in <= columns and used_out <= columns, (doc["doc_to_text"], doc["doc_to_target"])
    assert used_out == {"label"}


def test_card_note_of_a_task_without_description(builds_nobio_tasks: Path) -> None:
    notes = _table_row(card_of(builds_nobio_tasks), "`author_attribution`")[-1]
    assert notes == "Only records with author."


@pytest.mark.parametrize("spec", [
    'columns = { id = "id", text = "nope" }',
    'columns = { id = "id", text = "body" }\nrequire = ["nope"]',
])
def test_task_naming_an_unknown_field_is_a_config_error(spec: str, corpus: Corpus, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.toml"
    tasks.write_text(f"[bad_task]\n{spec}\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="nope"):
        newsset.build([corpus.nobio], out, tasks=tasks)
    assert main(["build", str(corpus.nobio), "--out", str(out), "--tasks", str(tasks)]) == 2
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# The card


def _table_row(card: str, first: str) -> list[str]:
    line = next(ln for ln in card.splitlines() if ln.startswith(f"| {first} |"))
    return [c.strip() for c in line.strip("|").split("|")]


def test_card_describes_every_split(builds: Callable[[str], Path]) -> None:
    out = builds("cli")
    card = card_of(out)
    rows = read_rows(out, columns=["date", "body", "truncated", "publication"])
    fm = front_matter(out)
    info = {c["config_name"]: c for c in fm["dataset_info"]}
    for split in SPLITS:
        rs = rows[split]
        cells = _table_row(card, split)
        words = np.array([len(r["body"].split()) for r in rs])
        p5, p50, p95 = np.percentile(words, [5, 50, 95]).round().astype(int)
        share = sum(r["truncated"] for r in rs) / len(rs)
        assert cells == [split, str(len(rs)), iso(min(r["date"] for r in rs)), iso(max(r["date"] for r in rs)),
                         f"{p5} / {p50} / {p95}", f"{share:.1%}"]
        num = next(s["num_examples"] for s in info["default"]["splits"] if s["name"] == split)
        assert num == len(rs)
    # Publications per split ("(none)" for pages without a signature).
    pubs = {s: Counter(r["publication"] or "(none)" for r in rs) for s, rs in rows.items()}
    assert "### Publications" in card
    for p in {p for c in pubs.values() for p in c}:
        assert _table_row(card, p) == [p, *(str(pubs[s][p]) for s in SPLITS)]


def test_card_leakage_examples_license_and_citation(builds: Callable[[str], Path]) -> None:
    out = builds("cli")
    card = card_of(out)
    m = manifest(out)
    leak = m["leakage"]
    assert leak["clusters"] >= len(PAIR_DATES)  # the planted pairs
    assert "## Leakage" in card
    for label, key in (("near-duplicate pairs found", "near_duplicate_pairs"), ("near-duplicate clusters", "clusters"),
                       ("records in clusters", "records_in_clusters")):
        assert _table_row(card, label) == [label, str(leak[key])]
    assert "| **near-duplicate pairs across splits** | **0** |" in card
    # One example per config, a real row of that config and split.
    examples = re.findall(r"^`(\w+)` \((\w+)\):\n\n```json\n(.*?)\n```$", card, re.M | re.S)
    assert [e[0] for e in examples] == ["default", "headline_generation", "summarization"]
    for config, split, text in examples:
        row = json.loads(text)
        folder = "data" if config == "default" else config
        real = {r["id"]: r for r in read_rows(out, folder)[split]}
        assert row["id"] in real
        assert list(row) == list(real[row["id"]])
        for k, v in row.items():
            want = real[row["id"]][k]
            want = iso(want) if k == "date" else want
            if isinstance(v, str) and v.endswith("\u2026"):
                assert want.startswith(v[:-1]) and len(v) == 301
                assert "are cut short here (ending in \u2026); the data files hold them whole" in card
            else:
                assert v == want, (config, k)
    # --license, --citation and --name.
    fm = front_matter(out)
    assert fm["license"] == LICENSE and fm["pretty_name"] == "Synthetic News"
    assert f"## License\n\n`{LICENSE}`" in card
    assert f"## Citation\n\n```bibtex\n{CITATION}\n```" in card
    assert card.startswith("---\n") and "# Synthetic News\n" in card
    assert m["options"]["license"] == LICENSE


def test_card_front_matter_lists_configs_and_splits(builds: Callable[[str], Path]) -> None:
    out = builds("cli")
    fm = front_matter(out)
    configs = {c["config_name"]: c for c in fm["configs"]}
    assert list(configs) == ["default", "headline_generation", "summarization"]
    assert configs["default"].get("default") is True
    counts = manifest(out)["configs"]
    for name, c in configs.items():
        folder = "data" if name == "default" else name
        assert c["data_files"] == [{"split": s, "path": f"{folder}/{s}-*.parquet"} for s in SPLITS if s in counts[name]]
    for info in fm["dataset_info"]:
        assert {s["name"]: s["num_examples"] for s in info["splits"]} == counts[info["config_name"]]


def test_rebuild_keeps_the_user_section_byte_for_byte(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_conserved(out, newsset.build([corpus.root], out), corpus.inputs)
    card = card_of(out)
    assert card.count(USER_START) == 1 and card.count(USER_END) == 1
    mine = (f"{USER_START}\n## Provenance\n\nCollected by hand in 2024 — ünïcödé, a trailing space \n"
            f"\ttab-indented, `code`, | a pipe |, C:\\data\\1 \\g<0> $1, and --- a rule\n\n<!-- a comment -->\n"
            f"{USER_END}")
    start, end = card.index(USER_START), card.index(USER_END) + len(USER_END)
    (out / "README.md").write_text(card[:start] + mine + card[end:], encoding="utf-8")
    for license in ("cc0-1.0", "mit"):  # two rebuilds, other options each time
        result = newsset.build([corpus.root], out, license=license, split="date", cutoffs=CUTOFFS)
        assert_conserved(out, result, corpus.inputs)
        new = card_of(out)
        assert new.count(USER_START) == 1 and new.count(USER_END) == 1
        assert new[new.index(USER_START):new.index(USER_END) + len(USER_END)] == mine
        assert front_matter(out)["license"] == license
        assert "By date (half-open ranges)" in new


def test_rebuild_keeps_a_crlf_user_section_byte_for_byte(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_conserved(out, newsset.build([corpus.nobio], out), corpus.nobio_inputs)
    card = card_of(out)
    mine = f"{USER_START}\r\n## Notes\r\n\r\nEdited on Windows.\r\n{USER_END}"
    start, end = card.index(USER_START), card.index(USER_END) + len(USER_END)
    (out / "README.md").write_bytes((card[:start] + mine + card[end:]).encode("utf-8"))
    assert_conserved(out, newsset.build([corpus.nobio], out), corpus.nobio_inputs)
    assert mine.encode("utf-8") in (out / "README.md").read_bytes()


def test_a_user_section_that_quotes_its_end_marker_is_kept_whole(corpus: Corpus, tmp_path: Path) -> None:
    """The section ends at the marker alone on its line: one quoted in the text (documenting it) cut
    the section there, and what followed was lost without a word."""
    out = tmp_path / "out"
    newsset.build([corpus.nobio], out)
    card = card_of(out)
    mine = f"{USER_START}\n## Notes\n\nOur section ends at `{USER_END}`.\n\nIMPORTANT: kept too.\n{USER_END}"
    start, end = card.index(USER_START), card.index(USER_END) + len(USER_END)
    (out / "README.md").write_text(card[:start] + mine + card[end:], encoding="utf-8")
    assert verify(out, load=False).ok  # (the card's digest skips the section as the build does)
    newsset.build([corpus.nobio], out)
    assert mine in card_of(out) and verify(out, load=False).ok


def test_a_card_that_is_not_utf8_fails_the_rebuild_before_any_work(corpus: Corpus, tmp_path: Path) -> None:
    """Its section, saved by a Latin-1 editor, came back with U+FFFD for every accented letter."""
    out = tmp_path / "out"
    newsset.build([corpus.nobio], out)
    card = (out / "README.md").read_bytes()
    start = card.index(USER_START.encode())
    (out / "README.md").write_bytes(card[:start] + USER_START.encode() + "\nCafé\n".encode("latin-1")
                                    + card[card.index(USER_END.encode()):])
    before = (out / "README.md").read_bytes()
    with pytest.raises(ConfigError, match=r"not UTF-8 \(byte 0xe9 on line"):
        newsset.build([corpus.nobio], out)
    assert (out / "README.md").read_bytes() == before


def test_fresh_card_has_the_default_user_section(builds: Callable[[str], Path]) -> None:
    card = card_of(builds("hash"))
    block = card[card.index(USER_START):card.index(USER_END)]
    assert "Text between these two markers is kept" in block


@pytest.mark.parametrize("toml, message", [
    ('[t1]\ncolumns = { "" = "id", x = "body" }\n', "output column names"),
    ('[t1]\ncolumns = { "my text" = "body" }\n', "output column names"),
    ('[t1]\ncolumns = { id = "id" }\nrequire = 5\n', "`require` must be a list"),
    ('[t1]\ncolumns = { id = "id" }\nrequire = "subtitle"\n', "`require` must be a list"),
    ('[t1]\ncolumns = { id = "id" }\nuntruncated = "no"\n', "`untruncated` must be true or false"),
    ('[t1]\ncolumns = { id = "id" }\nprompt = 3\n', "`prompt` must be a string"),
    ('[images]\ncolumns = { id = "id" }\n', "is taken"),
    ('[t1]\ncolumns = { Text = "body", text = "title" }\n', "differ only by case"),
    ('[t1]\ncolumns = { split = "title" }\n', "no output column may be named `split`"),
    ('[t1]\ncolumns = { text = "body", label = "author" }\nprompt = "{{ text }}"\ntarget = "{{labl}}"\n',
     "`target` names {{labl}}, which is not one of the task's columns \\(text, label\\)"),
    ('[t1]\ncolumns = { id = "id" }\nrequires = ["author"]\npromt = "x"\n',
     "unknown key\\(s\\) 'promt' \\(did you mean 'prompt'\\?\\), 'requires' \\(did you mean 'require'\\?\\)"),
    ('[t1]\ncolumns = { text = "body" }\nprompt = "Article: {{ text } Answer:"\n',
     "`prompt` is not a Jinja template lm-evaluation-harness can render"),
    ('[t1]\ncolumns = { text = "body" }\ntarget = "{% if text %}{{ text }}"\n', "`target` is not a Jinja template"),
    ("\xff[t1]\n", "not UTF-8"),
])
def test_a_bad_task_file_is_a_one_line_config_error(tmp_path: Path, toml: str, message: str) -> None:
    from newsset.tasks import load_tasks

    path = tmp_path / "tasks.toml"
    path.write_bytes(toml.encode("latin-1") if toml.startswith("\xff") else toml.encode())
    with pytest.raises(ConfigError, match=message):
        load_tasks(path)


@pytest.mark.parametrize("kind", ["device", "folder", "fifo"])
def test_task_and_schema_options_read_only_regular_files(tmp_path: Path, kind: str) -> None:
    """/dev/zero (or a FIFO no one writes to) must be refused, not read until memory runs out."""
    import os

    from newsset.schema import load_schema
    from newsset.tasks import load_tasks

    path = {"device": Path("/dev/zero"), "folder": tmp_path}.get(kind, tmp_path / "fifo")
    if kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(ConfigError, match=f"--tasks: cannot read {re.escape(str(path))}"):
        load_tasks(path)
    with pytest.raises(newsset.SchemaFileError):
        load_schema(path)


def test_local_jobs_are_capped_per_core() -> None:
    from newsset.engine import JOBS_PER_CORE, cpu_count, resolve_jobs

    assert resolve_jobs(10_000) == JOBS_PER_CORE * cpu_count() and resolve_jobs(1) == 1
    assert resolve_jobs(10_000, "dask") == 10_000  # a cluster's workers are not this machine's cores


def test_a_group_split_far_from_the_ratios_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whole groups move together: with a few large ones (`--group-by publication`) the shares can
    be far from --ratios, which the build used to take in silence."""
    from newsset.synth import write_corpus

    raw = tmp_path / "raw"
    write_corpus(raw, 300, seed=7, dup_rate=0.0, bad_rate=0.0)
    grouped = newsset.build([raw], tmp_path / "grouped", group_by="publication")
    total = grouped.total_rows
    shares = [grouped.rows.get(s, 0) / total for s in ("train", "validation", "test")]
    assert grouped.split_note is not None and "--group-by publication keeps each group in one split" in \
        grouped.split_note and "/".join(f"{g:.2f}" for g in shares) in grouped.split_note
    card = (tmp_path / "grouped" / "README.md").read_text(encoding="utf-8")
    assert f"**Note:** {grouped.split_note}." in card and "Records kept together (near copies and records sharing " \
        "a `publication`) take the split of their group's first id" in card
    assert json.loads((tmp_path / "grouped" / "manifest.json").read_text())["split"]["note"] == grouped.split_note
    assert newsset.build([raw], tmp_path / "plain", near_dup="off").split_note is None
    plain = (tmp_path / "plain" / "README.md").read_text(encoding="utf-8")
    assert "adding articles never moves existing ones" in plain and "**Note:**" not in plain
    assert main(["build", str(raw), "--out", str(tmp_path / "cli"), "--group-by", "publication"]) == 0
    assert "  splits    the splits came out" in capsys.readouterr().err


def test_publication_names_with_markup_are_shown_as_written(tmp_path: Path) -> None:
    """Names come from the data: HTML, Markdown or the user-section marker in one must not format
    the card, open a comment, or start a second user section."""
    from tests.conftest import page

    raw = tmp_path / "raw"
    raw.mkdir()
    pubs = ["<!-- newsset:user-start --> Gazette", "**Bold** _Times_ [link](x) `code` & <b>Co</b>",
            "CR\rOnly | Times", "Long" * 60]
    rows = [{"id": newsset.article_id(f"2024-01-0{i + 1}", f"T{i}", f"Body text of story {i}."),
             "date": f"2024-01-0{i + 1}", "title": f"T{i}", "subtitle": None, "author": "Ann", "publication": p,
             "author_bio": None, "image_alt": None, "image_caption": None, "image_credit": None,
             "body": f"Body text of story {i}.", "truncated": False, "source": f"s{i}", "source_sha256": "0" * 64}
            for i, p in enumerate(pubs)]
    (raw / "recs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (raw / "p.txt").write_text(page(), encoding="utf-8")
    (raw / "index.html").write_text("<html></html>", encoding="utf-8")  # (not read: counted in the card)
    (raw / "a.<!--").write_text("", encoding="utf-8")  # (its suffix shown as written, not as a comment)
    out = tmp_path / "out"
    for _ in range(2):  # (the rebuild reads the card's user section back)
        assert newsset.build([raw], out, ratios=(1, 0, 0)).total_rows == 5
        card = card_of(out)
        assert card.count(USER_START) == 1 and "<b>" not in card and "**Bold**" not in card
        assert "&lt;!-- newsset:user-start --&gt; Gazette" in card
        assert "rejected; every reject is listed with its reason in `rejects.jsonl`; 2 other file(s) not read " \
               "(.&lt;!-- 1, .html 1)\n" in card
        assert "| CR\\\\rOnly \\| Times | 1 |" in card  # (a CR would end the table's row: shown as its escape)
        assert f"| {'Long' * 39}Lon\u2026 | 1 |" in card  # (cut at 160 characters, and said so)
        assert "\\*\\*Bold\\*\\* \\_Times\\_ \\[link\\](x) \\`code\\` &amp; &lt;b&gt;Co&lt;/b&gt;" in card


def test_odd_names_and_citations_keep_the_card_whole(corpus: Corpus, tmp_path: Path) -> None:
    """A newline in --name split the title; the user-section marker in it made the next rebuild
    copy the old card into the new; three backticks in --citation ended its code block early."""
    from newsset.card import USER_START

    out = tmp_path / "out"
    name = f"News\nof {USER_START} the week"
    citation = "@misc{x, note = {see ```code``` here}}"
    for _ in range(2):  # (the rebuild reads the card back)
        newsset.build([corpus.root], out, pretty_name=name, citation=citation)
        card = card_of(out)
        assert card.count("\n# ") == 1 and "\n# News of &lt;!-- newsset:user-start --> the week\n" in card
        assert card.count(USER_START) == 2  # the quoted pretty_name in the YAML, and the section itself
        assert f"\n````bibtex\n{citation}\n````\n" in card
        assert front_matter(out)["pretty_name"] == name


def test_a_task_skips_records_whose_required_field_is_an_empty_string(tmp_path: Path) -> None:
    """A record file from a tool that writes "" for null (pandas `fillna("")`, a CSV round trip):
    a summary of nothing is no example to learn from, so the task leaves the record out."""
    records = []
    for k in range(6):
        page = (f" date 2024-02-{k + 1:02d} Harbour story number {k}\n\nA standfirst for story {k}\n\n"
                f"The body of story {k} tells of tides, boats and the people who mend the nets.\n")
        rec = newsset.parse_text(page, f"p{k}.txt").to_dict()
        if k % 2:
            rec["subtitle"] = ""
        records.append(rec)
    src = tmp_path / "records.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = newsset.build([src], tmp_path / "out", jobs=1, ratios=(1.0, 0.0, 0.0))
    assert sum(result.rows.values()) == 6  # every record kept in the default config
    summaries = pq.read_table(tmp_path / "out/summarization").column("summary").to_pylist()
    assert sorted(summaries) == [f"A standfirst for story {k}" for k in (0, 2, 4)]


def test_a_task_file_nested_too_deeply_is_a_usage_error(tmp_path: Path) -> None:
    """Outside audit h28: a --tasks TOML nested thousands deep gave a traceback and exit 1."""
    from newsset.tasks import load_tasks

    f = tmp_path / "deep.toml"
    f.write_text('[t]\ncolumns = {id = "id", text = "body"}\ndescription = ' + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(ConfigError, match="nest too deeply"):
        load_tasks(f)


def test_a_long_group_by_value_is_keyed_by_its_digest_and_still_groups(tmp_path: Path) -> None:
    """Outside audit h28: `--group-by body` (or any long field) kept each record's whole value in
    the driver's keys, so its memory grew with the corpus's text. Long values are keyed by their
    SHA-256; records sharing one still share a split, and a digest is never a value kept as written."""
    import pyarrow.parquet as pq

    from newsset.chunk import GROUP_KEY_CHARS, _group_key
    from tests.conftest import page

    long = "x" * (GROUP_KEY_CHARS + 1)
    assert _group_key("Ann Lee") == "Ann Lee" and _group_key(3.0) == "3"
    assert _group_key(long).startswith("sha256:") and len(_group_key(long)) > GROUP_KEY_CHARS
    assert _group_key(long) == _group_key("x" * (GROUP_KEY_CHARS + 1)) != _group_key(long + "y")
    raw = tmp_path / "raw"
    raw.mkdir()
    bios = ["Ann Lee has written about transport and the islands for twenty years, mostly from Oban.",
            "Bob Stone has covered the harbour board, its budgets and its long quarrel with the ferries."]
    for i in range(40):
        text = page(title=f"Story number {i} on the pier", paragraphs=(f"Paragraph {i} of the story on the pier.",),
                    bio=bios[i % 2])
        (raw / f"p{i:02d}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    newsset.build([raw], out, group_by="author_bio", near_dup="off")
    split_of: dict[str | None, set[str]] = {}
    for shard in (out / "data").glob("*.parquet"):
        for bio in pq.read_table(shard, columns=["author_bio"]).column(0).to_pylist():
            split_of.setdefault(bio, set()).add(shard.name.split("-")[0])
    assert set(split_of) == set(bios) and all(len(s) == 1 for s in split_of.values())


def test_cutoffs_may_be_dates_as_today_is(tmp_path: Path) -> None:
    """Outside audit h29: `cutoffs=[date, date]` crashed with an AttributeError (`today=` takes a date)."""
    import datetime as dt

    from newsset.split import parse_cutoffs

    assert parse_cutoffs([dt.date(2024, 1, 1), dt.date(2024, 7, 1)]) == parse_cutoffs("2024-01-01,2024-07-01")
    for bad in ([dt.datetime(2024, 1, 1), dt.date(2024, 7, 1)], [1, 2], 5):
        with pytest.raises(ConfigError, match="--cutoffs"):
            parse_cutoffs(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "message"), [
    ("images", r"task name 'images' is taken: newsset names a config or a folder of its own so \(reserved: data, "
               r"default, images, lm_eval\)"),
    ("default", "task name 'default' is taken"),
    ("Headlines", r"task name 'Headlines' must be lowercase letters, digits and _, starting with a letter, at most 64 "
                  r"characters \(a Hugging Face config name; this one has 9\)"),
    ("t" * 65, r"this one has 65\)")])
def test_a_task_name_that_cannot_be_used_says_why(tmp_path: Path, name: str, message: str) -> None:
    """Outside audit d30: a reserved name got the naming rules and its length, as if those were the fault."""
    from newsset.tasks import load_tasks

    path = tmp_path / "tasks.toml"
    path.write_text(f'[{name}]\ncolumns = {{ id = "id", document = "body" }}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_tasks(path)
