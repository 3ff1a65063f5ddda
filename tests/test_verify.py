"""`newsset verify`: a fresh build passes; each kind of tampering is reported, naming the file."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsset
from newsset.cli import main
from newsset.verify import VerifyReport, render_verify_text, verify
from newsset.write import sha256_file
from tests.conftest import page

TRAIN = "data/train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build (12 pages and a broken one), copied by `out` for each test to tamper with."""
    root = tmp_path_factory.mktemp("verify")
    raw = root / "raw"
    raw.mkdir()
    for i in range(12):
        text = page(title=f"Story {i} about the harbour", date=f"2023-{i % 12 + 1:02d}-{i + 10}",
                    paragraphs=(f"Paragraph one of story {i}.", f"Paragraph two of story {i}, with detail."))
        (raw / f"story-{i:02d}.txt").write_text(text, encoding="utf-8")
    (raw / "broken.txt").write_text(" date 2024-13-45 An impossible day\n\nBody.\n", encoding="utf-8")
    newsset.build([raw], root / "ds", ratios=(0.5, 0.25, 0.25))
    assert (root / "ds" / TRAIN).is_file()
    return root / "ds"


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "ds")
    return tmp_path / "ds"


def _codes(report: VerifyReport) -> set[tuple[str, str]]:
    return {(i.code, i.path) for i in report.issues}


def _edit_json(path: Path, edit: object) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)  # type: ignore[operator]
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_fresh_build_passes_and_loads(out: Path) -> None:
    before = {k: os.environ.get(k) for k in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE")}
    report = verify(out)
    assert report.ok, render_verify_text(report)
    assert report.loaded
    manifest = json.loads((out / "manifest.json").read_text())
    # every file of the folder, once: shards, rejects, manifest, card, schema, croissant, lm_eval's YAMLs
    assert report.files_checked == sum(1 for p in out.rglob("*") if p.is_file())
    assert report.files_checked == len(manifest["files"]) + len(manifest["metadata_files"]) + 3
    assert render_verify_text(report).endswith(f"verified {report.files_checked} file(s): ok\n")
    assert {k: os.environ.get(k) for k in before} == before  # the offline switches are put back
    assert json.loads(json.dumps(report.to_dict()))["ok"] is True


@pytest.mark.parametrize("where", [".", "./", "data/.."])
def test_verify_and_load_of_the_current_folder(out: Path, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(out)  # the card says: `newsset verify .` ("." gives datasets no name to go by)
    report = verify(where)
    assert report.ok and report.loaded, render_verify_text(report)
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(out.parent / "hf"))
    rows = sum(f["rows"] for f in json.loads((out / "manifest.json").read_text())["files"]
               if (f.get("config") or "default") == "default")
    assert sum(len(split) for split in newsset.load(where).values()) == rows == 12


def test_no_load_skips_the_round_trip(out: Path) -> None:
    report = verify(out, load=False)
    assert report.ok and not report.loaded
    assert any("load_dataset was not tried" in n for n in report.notes)


def test_flipped_byte_is_a_checksum_problem(out: Path) -> None:
    shard = out / TRAIN
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    report = verify(out)
    assert ("verify.checksum", str(shard)) in _codes(report)
    assert not report.ok and not report.loaded
    assert any("fix the problems above first" in n for n in report.notes)


def test_truncated_shard_reports_the_footer_without_a_traceback(out: Path) -> None:
    shard = out / TRAIN
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    report = verify(out, load=False)
    assert {("verify.size", str(shard)), ("verify.footer", str(shard))} <= _codes(report)
    text = render_verify_text(report)
    assert f"{shard}: error[verify.footer]:" in text and "Traceback" not in text
    assert re.search(r"verified \d+ file\(s\): \d+ problem\(s\)\n$", text)


def test_deleted_shard_is_missing(out: Path) -> None:
    (out / TRAIN).unlink()
    report = verify(out, load=False)
    assert ("verify.missing-file", str(out / TRAIN)) in _codes(report)


@pytest.mark.parametrize("kind, says", [("fifo", "a FIFO, not a regular file"),
                                         ("dead-link", "a broken symbolic link"), ("folder", "a folder")])
def test_a_shard_that_is_no_regular_file_says_what_it_is(out: Path, kind: str, says: str) -> None:
    """A FIFO, a device or a dangling link in a shard's place was reported as "missing"."""
    import os

    (out / TRAIN).unlink()
    if kind == "fifo":
        os.mkfifo(out / TRAIN)
    elif kind == "dead-link":
        (out / TRAIN).symlink_to(out / "nowhere.parquet")
    else:
        (out / TRAIN).mkdir()
    report = verify(out, load=False)
    found = [i for i in report.issues if i.code == "verify.missing-file" and i.path == str(out / TRAIN)]
    assert len(found) == 1 and says in found[0].message


def test_unlisted_shard_is_reported(out: Path) -> None:
    extra = out / "data" / "train-00001-of-00002.parquet"
    shutil.copyfile(out / TRAIN, extra)
    assert _codes(verify(out, load=False)) == {("verify.unlisted-file", str(extra))}


def test_any_other_file_beside_the_shards_is_reported(out: Path) -> None:
    """pandas, pyarrow.dataset and polars read a shard folder whole: a stray notes file breaks them."""
    (out / "data" / "notes.txt").write_text("hi\n")
    (out / "headline_generation" / "train-notes.json").write_text("{}\n")
    (out / "data" / ".DS_Store").write_bytes(b"\0")  # hidden: skipped by those readers, and here
    assert _codes(verify(out, load=False)) == {("verify.unlisted-file", str(out / "data" / "notes.txt")),
                                               ("verify.unlisted-file",
                                                str(out / "headline_generation" / "train-notes.json"))}


def test_a_folder_without_shards_is_reported(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    for e in manifest["files"]:
        if e["path"].endswith(".parquet"):
            (out / e["path"]).unlink()
    manifest["files"] = [e for e in manifest["files"] if not e["path"].endswith(".parquet")]
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert ("verify.empty", str(out / "data")) in _codes(verify(out, load=False))


def test_a_manifest_that_is_a_device_is_not_read(out: Path) -> None:
    """A folder from elsewhere: manifest.json a link to /dev/zero took 10 GB of memory."""
    (out / "manifest.json").unlink()
    (out / "manifest.json").symlink_to("/dev/zero")
    report = verify(out, load=False)
    assert [i.code for i in report.issues] == ["verify.manifest"] and "not a regular file" in report.issues[0].message


def test_a_moved_folder_is_told_its_lm_eval_yamls_name_the_old_place(built: Path, out: Path) -> None:
    """`out` is a copy of `built`: the YAMLs name `built`, and the copy still verifies."""
    report = verify(out, load=False)
    assert report.ok
    assert any(n.startswith("lm_eval/") and str(built) in n for n in report.notes)
    assert not any(n.startswith("lm_eval/") for n in verify(built, load=False).notes)


def test_edited_num_examples_is_a_card_problem(out: Path) -> None:
    card = out / "README.md"
    text, n = re.subn(r"num_examples: (\d+)", lambda m: f"num_examples: {int(m.group(1)) + 1}", card.read_text(),
                      count=1)
    assert n == 1
    card.write_text(text)
    report = verify(out, load=False)
    assert _codes(report) == {("verify.card", str(card))}
    assert "num_examples" in report.issues[0].message


def test_a_license_edited_in_the_card_is_a_card_problem(out: Path) -> None:
    """The card is not hashed (a user section in it is theirs); its license was then free to say
    `mit` while the manifest and croissant.json said what the build was given."""
    card = out / "README.md"
    text, n = re.subn(r"^license: .*$", 'license: "mit"', card.read_text(), count=1, flags=re.MULTILINE)
    assert n == 1
    card.write_text(text)
    report = verify(out, load=False)
    assert _codes(report) == {("verify.card", str(card))}
    assert "license" in report.issues[0].message and report.issues[0].got == "mit"


def test_card_glob_matching_nothing_is_a_card_problem(out: Path) -> None:
    card = out / "README.md"
    card.write_text(card.read_text().replace("path: data/train-*.parquet", "path: data/training-*.parquet", 1))
    messages = [i.message for i in verify(out, load=False).issues if i.code == "verify.card"]
    assert any("matches no file" in m for m in messages)
    assert any(f"matches {TRAIN}" in m for m in messages)  # the shard is no longer read by any config


def test_edited_croissant_sha256_is_reported(out: Path) -> None:
    cr = out / "croissant.json"

    def edit(doc: dict) -> None:
        obj = next(d for d in doc["distribution"] if d.get("contentUrl") == TRAIN)
        obj["sha256"] = "0" * 64

    _edit_json(cr, edit)
    report = verify(out, load=False)
    # The edit is caught twice: the FileObject hash no longer matches the shard, and
    # croissant.json itself no longer matches the size (or else the hash) manifest.json recorded for it.
    rest = _codes(report) - {("verify.croissant", str(cr))}
    assert rest in ({("verify.checksum", str(cr))}, {("verify.size", str(cr))})
    assert ("verify.croissant", str(cr)) in _codes(report)
    assert any(TRAIN in i.message for i in report.issues if i.code == "verify.croissant")


def test_other_schema_with_same_rows_is_a_schema_problem(out: Path) -> None:
    shard = out / TRAIN
    table = pq.read_table(shard)
    table = table.set_column(table.schema.get_field_index("truncated"), "truncated",
                             table["truncated"].cast(pa.string()))
    pq.write_table(table, shard)
    report = verify(out, load=False)
    assert ("verify.schema", str(shard)) in _codes(report)
    assert "verify.rows" not in {c for c, _ in _codes(report)}
    assert "truncated" in next(i.message for i in report.issues if i.code == "verify.schema")


def test_edited_manifest_rows_is_a_rows_problem(out: Path) -> None:
    _edit_json(out / "manifest.json", lambda m: m["files"][0].update(rows=m["files"][0]["rows"] + 5))
    first = json.loads((out / "manifest.json").read_text())["files"][0]["path"]
    assert ("verify.rows", str(out / first)) in _codes(verify(out, load=False))


@pytest.mark.parametrize("edit, what", [
    (lambda m: m["inputs"].update(rejected=0, rejected_by_code={}), "inputs.rejected = rejects.rows"),
    (lambda m: m["configs"]["default"].update(train=m["configs"]["default"]["train"] + 5),
     "configs.default.train = the rows of its shards"),
    (lambda m: m["inputs"].update(items=m["inputs"]["items"] + 1), "inputs.items = inputs.accepted + inputs.rejected"),
    (lambda m: m["inputs"].pop("rejected"), "inputs.rejected should be a count"),
    (lambda m: m["inputs"].update(rejected=None, rejected_by_code=None),
     "inputs.rejected should be a whole number of at least 0, found null"),
    (lambda m: m["inputs"].update(duplicates=5), "inputs.duplicates = the dataset.duplicate-id and -body counts"),
    (lambda m: m["inputs"].update(rejected_by_code={"input.empty": 1}),  # (the same total, another code)
     "inputs.rejected_by_code should count the codes of rejects.jsonl, but input.empty 1 != 0, "
     "parse.invalid-date 0 != 1"),
    (lambda m: m["split"]["splits"]["train"].update(rows=m["split"]["splits"]["train"]["rows"] + 5),
     "split.splits.train.rows = the rows of the default config's train shards"),
])
def test_manifest_totals_that_disagree_are_manifest_problems(out: Path, edit: Callable[[dict[str, Any]], None],
                                                            what: str) -> None:
    """An edit hiding the rejects passed verify, and `stats` then showed 0 rejected inputs."""
    assert verify(out, load=False).ok
    _edit_json(out / "manifest.json", edit)
    report = verify(out, load=False)
    assert any(i.code == "verify.manifest" and what in i.message for i in report.issues), report.issues


def test_missing_or_broken_manifest(out: Path) -> None:
    manifest = out / "manifest.json"
    manifest.unlink()
    report = verify(out)
    assert _codes(report) == {("verify.manifest", str(manifest))} and not report.loaded
    manifest.write_text("{not json")
    assert _codes(verify(out, load=False)) == {("verify.manifest", str(manifest))}
    manifest.write_text(json.dumps({"files": [{"path": "../outside.parquet", "split": "train", "rows": 1,
                                               "bytes": 1, "sha256": "0" * 64}]}))
    assert ("verify.manifest", str(manifest)) in _codes(verify(out, load=False))


def test_load_failure_is_reported(out: Path) -> None:
    card = out / "README.md"
    text = card.read_text()
    assert "  default: true\n" in text
    card.write_text(text.replace("  default: true\n", "  default: true\n  columns: [no_such_column]\n", 1))
    report = verify(out)
    assert _codes(report) == {("verify.load", str(out))}
    assert not report.loaded


def test_load_giving_other_columns_is_reported(out: Path) -> None:
    """A config's `columns` in the card loads fine, but with two of the shards' columns: not the dataset."""
    card = out / "README.md"
    card.write_text(card.read_text().replace("  default: true\n", "  default: true\n  columns: [id, title]\n", 1))
    report = verify(out)
    assert _codes(report) == {("verify.load", str(out))} and not report.loaded
    assert "other columns than its shards hold: expected date: date32[day]" in report.issues[0].message


@pytest.mark.parametrize("old, new, message", [
    ("- name: date\n    dtype: date32", "- name: date\n    dtype: string",
     "default: feature 'date' is {dtype: string} in dataset_info, but the shards hold {dtype: date32}"),
    ("  - name: title\n    dtype: string\n", "", "default: feature 'title' is missing from dataset_info"),
    ("- name: title\n    dtype: string\n", "- name: title\n    dtype: string\n  - name: extra\n    dtype: string\n",
     "default: feature 'extra' is in dataset_info, but in no shard"),
    ("- name: id\n    dtype: string\n  - name: date\n    dtype: date32\n",
     "- name: date\n    dtype: date32\n  - name: id\n    dtype: string\n",
     "default: dataset_info lists the features in another order than the shards"),
    ("  features:\n  - name: id\n", "  features: 5\n  old:\n  - name: id\n",
     "default: `features` should be a list of name/type entries, found a number (5)"),
])
def test_edited_card_features_are_a_card_problem(out: Path, old: str, new: str, message: str) -> None:
    """load_dataset casts to the card's features: an edited dtype returns dates as strings, with no error."""
    card = out / "README.md"
    text = card.read_text()
    assert old in text
    card.write_text(text.replace(old, new, 1))
    report = verify(out)
    assert _codes(report) == {("verify.card", str(card))} and not report.loaded
    assert any(i.message.startswith(message) for i in report.issues), render_verify_text(report)


def test_edited_task_config_features_are_a_card_problem(out: Path) -> None:
    card = out / "README.md"
    text, n = re.subn(r"(- config_name: headline_generation\n  features:\n  - name: id\n    dtype:) string",
                      r"\1 int64", card.read_text())
    assert n == 1
    card.write_text(text)
    messages = [i.message for i in verify(out, load=False).issues if i.code == "verify.card"]
    assert messages == ["headline_generation: feature 'id' is {dtype: int64} in dataset_info, but the shards hold "
                        "{dtype: string}: load_dataset casts the column to the card's type, or fails"]


def test_schema_json_or_bundled_schema_is_the_reference(out: Path) -> None:
    (out / "schema.json").unlink(missing_ok=True)  # falls back to the bundled schema (same $id)
    assert _codes(verify(out, load=False)) == {("verify.missing-file", str(out / "schema.json"))}
    _edit_json(out / "manifest.json", lambda m: m.update(metadata_files=[
        e for e in m["metadata_files"] if e["path"] != "schema.json"]))
    assert verify(out, load=False).ok
    _edit_json(out / "manifest.json", lambda m: m["schema"].update(id="https://example.org/other.json"))
    report = verify(out, load=False)
    assert report.ok and any("only compared with each other" in n for n in report.notes)


def test_shards_of_one_config_must_agree(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    extra = [f for f in manifest["files"] if f.get("config", "default") != "default"]
    if len(extra) < 2 or any(f.get("config") != extra[0]["config"] for f in extra[:2]):
        pytest.skip("this build writes no second config with two shards")
    a, b = out / extra[0]["path"], out / extra[1]["path"]
    table = pq.read_table(a)
    pq.write_table(table.drop_columns([table.column_names[-1]]), a)
    report = verify(out, load=False)
    assert ("verify.schema", str(a)) in _codes(report) or ("verify.schema", str(b)) in _codes(report)


def test_edited_lm_eval_task_is_reported(out: Path) -> None:
    yamls = sorted((out / "lm_eval").glob("*.yaml"))
    if not yamls:
        pytest.skip("this build writes no task config")
    text = yamls[0].read_text()
    yamls[0].write_text(text.replace("dataset_path:", "dataset_path:", 1)[:-2] + "#\n")  # same size
    assert ("verify.checksum", str(yamls[0])) in _codes(verify(out, load=False))
    yamls[0].write_text(text + "# edited by hand\n")
    assert ("verify.size", str(yamls[0])) in _codes(verify(out, load=False))


@pytest.mark.parametrize("bom, newline", [("", "\r\n"), ("\ufeff", "\n"), ("\ufeff", "\r\n")])
def test_a_card_with_crlf_line_ends_or_a_bom_is_read_as_datasets_reads_it(out: Path, bom: str,
                                                                          newline: str) -> None:
    """An editor on Windows saves the card so; huggingface_hub finds its YAML all the same."""
    card = out / "README.md"
    card.write_bytes((bom + card.read_text(encoding="utf-8").replace("\n", newline)).encode("utf-8"))
    report = verify(out)
    assert report.ok and report.loaded, render_verify_text(report)


ODD_VALUES = [5, "x", [], {}, None, [1], True, -1]


def _kind(value: object) -> type:
    return int if isinstance(value, bool) else type(value)


def test_odd_manifest_values_are_located_problems_never_a_traceback(out: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """verify is for folders not yet trusted: each value of manifest.json replaced by one of another
    JSON type is a verify.manifest problem (exit 1); one of the same type gives whatever it gives."""
    manifest = out / "manifest.json"
    original = json.loads(manifest.read_text())
    places = [(original, k) for k in original] + [(original["files"][0], k) for k in original["files"][0]]
    places += [(original["schema"], k) for k in original["schema"]]
    places += [(original["metadata_files"][0], k) for k in original["metadata_files"][0]]
    for obj, key in places:
        for value in ODD_VALUES:
            before, obj[key] = obj[key], value
            manifest.write_text(json.dumps(original))
            obj[key] = before
            report = verify(out, load=False)
            text = render_verify_text(report)
            json.dumps(report.to_dict())
            odd = _kind(value) is not _kind(before) or value == -1 or isinstance(value, bool)
            if odd:
                assert ("verify.manifest", str(manifest)) in _codes(report), f"{key}={value!r}\n{text}"
    manifest.write_text(json.dumps({**original, "metadata_files": 5}))
    assert main(["verify", "--no-load", str(out)]) == 1
    assert "manifest.json: error[verify.manifest]: `metadata_files` should be a list, found a number (5)" in \
        capsys.readouterr().out


def _leaves(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list) and value:
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def test_every_nested_manifest_value_of_another_type_is_a_located_problem(out: Path) -> None:
    """Down to the counts by code and each split's statistics (schemas/manifest.schema.json): a
    count made text or negative, a flag made a string, is named by its path in the message."""
    manifest = out / "manifest.json"
    original = json.loads(manifest.read_text())
    leaves = [p for p in _leaves(original) if len(p) > 1]
    assert len(leaves) > 60
    for path in leaves:
        doc = json.loads(json.dumps(original))
        obj = doc
        for k in path[:-1]:
            obj = obj[k]
        old = obj[path[-1]]
        negative = isinstance(old, int) and not isinstance(old, bool) and path[-1] != "seed"  # (any seed will do)
        for value in ({} if old is None else "x" if not isinstance(old, str) else 5, -1 if negative else None):
            if value is None and (old is None or path[-2] in ("options", "leakage", "split")
                                  and path[-1] in ("seed", "cutoffs", "group_by", "near_dup_threshold", "threshold")):
                continue  # (null is what newsset writes there, in some builds)
            obj[path[-1]] = value
            manifest.write_text(json.dumps(doc))
            report = verify(out, load=False)
            problems = [i.message for i in report.issues if i.code == "verify.manifest"]
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" if re.fullmatch(r"[A-Za-z_][\w-]*", p)
                            else f"[{json.dumps(p)}]" for p in path).lstrip(".")
            assert problems, f"{where}={value!r}: {render_verify_text(report)}"
            if path[0] not in ("schema", "files", "rejects", "metadata_files"):
                assert any(m.startswith(f"{where} should be") for m in problems), (where, problems)
    manifest.write_text(json.dumps(original))
    assert verify(out, load=False).ok


def test_a_metadata_file_of_another_size_is_a_size_problem(out: Path) -> None:
    for rel in ("schema.json", "croissant.json"):
        path = out / rel
        before = path.read_bytes()
        path.write_bytes(before + b" ")
        assert _codes(verify(out, load=False)) == {("verify.size", str(path))}
        path.write_bytes(before)


@pytest.mark.parametrize("doc", [5, "x", [], None, [1]])
def test_a_manifest_that_is_no_object_is_a_manifest_problem(out: Path, doc: object) -> None:
    (out / "manifest.json").write_text(json.dumps(doc))
    report = verify(out)
    assert _codes(report) == {("verify.manifest", str(out / "manifest.json"))} and not report.loaded


def test_odd_card_and_croissant_values_are_located_problems(out: Path) -> None:
    card, cr = out / "README.md", out / "croissant.json"
    card.write_text(card.read_text().replace("configs:\n", "configs: 5\nold_configs:\n", 1))
    _edit_json(cr, lambda doc: doc.update(distribution=5))
    report = verify(out, load=False)
    assert {("verify.card", str(card)), ("verify.croissant", str(cr))} <= _codes(report)
    assert "`configs` should be a list of configs, found a number (5)" in render_verify_text(report)
    cr.write_text("null")
    assert ("verify.croissant", str(cr)) in _codes(verify(out, load=False))


def test_paths_the_os_refuses_are_problems_not_tracebacks(out: Path) -> None:
    manifest = out / "manifest.json"
    _edit_json(manifest, lambda m: m["files"][0].update(path="data/" + "x" * 300 + ".parquet"))
    assert ("verify.manifest", str(manifest)) in _codes(verify(out, load=False))
    deep = ("y" * 200 + "/") * 30 + "z.parquet"  # each name fits, the whole path does not
    _edit_json(manifest, lambda m: m["files"][0].update(path=deep))
    assert ("verify.missing-file", str(out / deep)) in _codes(verify(out, load=False))


def test_files_planted_in_lm_eval_or_images_are_unlisted(out: Path) -> None:
    """lm-evaluation-harness loads every YAML in lm_eval/, and a YAML can run Python (`!function`)."""
    planted = [out / "lm_eval" / "zz.yaml", out / "lm_eval" / "evil.py", out / "lm_eval" / ".hidden.yaml",
               out / "lm_eval" / "sub" / "more.yaml", out / "images" / "extra.png"]
    for p in planted:
        p.parent.mkdir(exist_ok=True)
        p.write_text("task: x\nprocess_docs: !function evil.run\n")
    assert _codes(verify(out, load=False)) == {("verify.unlisted-file", str(p)) for p in planted}
    for p in planted[:-1]:
        p.unlink()
    # A file listed in metadata_files (as `stats --plot` lists its charts) belongs there.
    chart = planted[-1]
    _edit_json(out / "manifest.json", lambda m: m["metadata_files"].append(
        {"path": "images/extra.png", "bytes": chart.stat().st_size, "sha256": sha256_file(chart)}))
    assert verify(out, load=False).ok


def test_verify_of_a_path_that_is_no_folder_is_a_usage_error(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 with the reason, as validate and build give for a missing input (1 means a damaged dataset)."""
    (tmp_path / "file.txt").write_text("x")
    assert main(["verify", str(tmp_path / "missing")]) == 2
    assert f"dataset folder not found: {tmp_path / 'missing'}" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "file.txt")]) == 2
    assert "expected a dataset folder, got a file" in capsys.readouterr().err
    assert main(["verify", "--no-load", str(tmp_path)]) == 1  # a folder without a manifest: a damaged dataset
    with pytest.raises(newsset.ConfigError, match="dataset folder not found"):  # the API says the same
        newsset.verify_dataset(tmp_path / "missing")


@pytest.mark.parametrize("edit", [
    lambda t: re.sub(r"^\| train \| \d+ \|", "| train | 999 |", t, count=1, flags=re.MULTILINE),  # a split's rows
    lambda t: re.sub(r"(\d+) rejected", "0 rejected", t, count=1),  # hiding the rejects from a reader
    lambda t: t.replace("\n## License\n", "\n## License\n\nPublic domain: use freely.\n", 1)])
def test_a_hand_edit_of_the_cards_text_is_a_card_problem(out: Path, edit: Callable[[str], str]) -> None:
    """The card's tables are what a reader of the Hub page sees: the manifest holds the sha256 of
    what the build wrote below the YAML (the user section and the charts aside)."""
    card = out / "README.md"
    text = card.read_text(encoding="utf-8")
    assert edit(text) != text
    card.write_text(edit(text), encoding="utf-8")
    report = verify(out, load=False)
    assert _codes(report) == {("verify.card", str(card))}
    assert "edited outside the `newsset:user-start`" in report.issues[0].message


def test_the_user_section_and_line_ends_are_the_users(out: Path) -> None:
    card = out / "README.md"
    text = card.read_text(encoding="utf-8")
    start, end = text.index("<!-- newsset:user-start -->"), text.index("<!-- newsset:user-end -->")
    text = text[:start] + "<!-- newsset:user-start -->\n## Ours\n\nScraped in May.\n" + text[end:]
    card.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))  # (as git on Windows may check it out)
    assert verify(out, load=False).ok


@pytest.mark.parametrize("old, new, says", [("\n- n<1K\n", "\n- tiny\n", "size_categories: the card says"),
                                            ('\nlanguage:\n- "en"\n', '\nlanguage:\n- "english"\n',
                                             "expected ISO 639 codes"),
                                            ('\nlanguage:\n- "en"\n', '\nlanguage:\n- "en-GB"\n',
                                             "a region or script goes in language_details")])
def test_card_metadata_the_hub_refuses_is_a_card_problem(out: Path, old: str, new: str, says: str) -> None:
    card = out / "README.md"
    text = card.read_text(encoding="utf-8")
    assert old in text
    card.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = verify(out, load=False)
    assert _codes(report) == {("verify.card", str(card))} and says in report.issues[0].message


def test_a_relative_path_with_a_colon_is_a_folder_not_a_uri(built: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`ds-12:30/data/...` read as a URI: verify called all 9 shards corrupt and stats exited 2."""
    shutil.copytree(built, tmp_path / "ds-12:30")
    monkeypatch.chdir(tmp_path)
    report = verify("ds-12:30", load=False)
    assert report.ok and not report.issues, render_verify_text(report)
    stats = newsset.dataset_stats("ds-12:30")
    assert sum(s.rows for s in stats.splits.values()) > 0


def test_a_load_check_with_no_room_blames_the_room_not_the_dataset() -> None:
    from newsset.verify import _no_space

    try:
        try:
            raise OSError(28, "No space left on device")
        except OSError as inner:
            raise RuntimeError("An error occurred while generating the dataset") from inner
    except RuntimeError as outer:
        assert _no_space(outer)
    assert not _no_space(ValueError("a real problem"))


def test_verify_says_when_a_build_was_writing_the_folder_it_read(out: Path) -> None:
    """A verify during a rebuild of the same folder read the old manifest and the new shards (or the
    other way round) and called a good dataset damaged, 3 runs in 34; now it says why it may."""
    from newsset.publish import take_lock

    assert not any("build was writing" in n for n in verify(out, load=False).notes)
    with take_lock(out.absolute(), "busy"):  # (as a build holds it while it writes the folder)
        report = verify(out, load=False)
    assert any("a newsset build was writing this folder while verify read it" in n for n in report.notes)


def test_card_checks_are_pure_and_return_problems_as_data() -> None:
    """cardcheck works on the card's YAML and the manifest's shards alone: no folder, no I/O."""
    from newsset.cardcheck import Shard, card_problems, front_matter

    schema = pa.schema([("title", pa.string())])
    text = ("---\nlicense: cc-by-4.0\nlanguage: [en]\nsize_categories: [n<1K]\n"
            "configs:\n- config_name: default\n  data_files:\n  - {split: train, path: data/train-*.parquet}\n"
            "dataset_info:\n  features:\n  - {name: title, dtype: string}\n"
            "  splits:\n  - {name: train, num_examples: 3}\n---\n# card\n")
    meta, wrong = front_matter(text)
    assert wrong is None and meta is not None
    shards = [Shard("data/train-00000-of-00001.parquet", "default", "train", 3)]
    assert list(card_problems(meta, shards, "cc-by-4.0", lambda config: schema)) == []
    # each edit is one problem, with what was expected and what was found
    meta["dataset_info"]["splits"][0]["num_examples"] = 4
    assert list(card_problems(meta, shards, "cc-by-4.0", lambda config: schema)) == [
        ("default/train: num_examples is 4, but its files hold 3 row(s)", 3, 4)]
    message, expected, got = next(card_problems(meta, shards, "mit", lambda config: schema))
    assert message.startswith('license: the card says a string ("cc-by-4.0")')
    assert (expected, got) == ("mit", "cc-by-4.0")
    assert front_matter("# no YAML here\n") == (None, "no YAML front matter mapping between `---` lines")


@pytest.mark.parametrize("name", ["manifest.json", "croissant.json", "rejects.jsonl", "README.md"])
def test_metadata_nested_too_deeply_is_a_problem_not_a_traceback(out: Path, name: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Outside audit h28: JSON (or the card's YAML) nested 5,000 deep stopped verify and stats with
    a RecursionError traceback."""
    deep = "[" * 5000 + "]" * 5000
    path = out / name
    if name == "README.md":
        text = path.read_text(encoding="utf-8")
        end = text.index("\n---", 3)
        path.write_text(text[:end] + "\nx: " + deep + text[end:], encoding="utf-8")
    else:
        path.write_text(deep + "\n")
    assert main(["verify", str(out), "--no-load"]) == 1
    err = capsys.readouterr()
    assert "Traceback" not in err.out + err.err and "problem" in err.out + err.err
    if name == "manifest.json":
        # (Python 3.13's json reads 5,000 levels, where 3.11's gave up: then it is no manifest's shape)
        assert main(["stats", str(out)]) == 2
        err = capsys.readouterr().err
        assert "nested too deeply" in err or "is not a newsset manifest (no `files` list)" in err, err


@pytest.mark.parametrize("bad", [5, None])
def test_a_dataset_path_of_the_wrong_type_is_a_config_error(bad: object) -> None:
    """Outside audit h29: load, verify_dataset and dataset_stats raised Python's own TypeError."""
    for call in (newsset.load, newsset.verify_dataset, newsset.dataset_stats):
        with pytest.raises(newsset.ConfigError, match="expected a path to a dataset folder"):
            call(bad)  # type: ignore[operator]
