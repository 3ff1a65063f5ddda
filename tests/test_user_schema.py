"""Schemas of one's own (`--schema`) with nested and unusual fields: what a build writes from them
must be readable by every consumer (load_dataset, mlcroissant), and what no consumer could take
is refused when the schema is loaded."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import newsset
from newsset.cli import main
from newsset.errors import ConfigError
from newsset.verify import render_verify_text, verify
from tests.conftest import page


def _schema(tmp_path: Path, props: dict[str, Any]) -> Path:
    """A copy of the bundled schema (the README's way to add fields) with `props` added."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/mine.json"
    doc["properties"].update(props)
    path = tmp_path / "mine.schema.json"
    path.write_text(json.dumps(doc))
    return path


def _records(tmp_path: Path, extras: list[dict[str, Any]]) -> Path:
    """One record file: a parsed page per entry of `extras`, with those fields added."""
    lines = []
    for i, extra in enumerate(extras):
        text = page(title=f"Story {i} on the budget", date=f"2024-0{i % 9 + 1}-1{i % 10}",
                    paragraphs=(f"Story {i} opens with its own first paragraph, number {i}.",
                                f"Paragraph two of story {i} is different from every other {i * 7}."))
        lines.append(json.dumps({**newsset.parse_text(text, source=f"{i}.txt").to_dict(), **extra}))
    path = tmp_path / "in" / "records.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))


def test_an_array_of_arrays_loads_with_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The card described list<list<int64>> as a list of structs {item: int64}: load_dataset failed
    to cast the column on a build that had exited 0."""
    _offline(monkeypatch, tmp_path)
    schema = _schema(tmp_path, {"matrix": {"type": ["array", "null"],
                                                 "items": {"type": "array", "items": {"type": "integer"}}}})
    records = _records(tmp_path, [{"matrix": [[1, 2], [3]]}, {"matrix": None}, {"matrix": [[]]}])
    out = tmp_path / "out"
    result = newsset.build([records], out, schema=schema, ratios=(1, 0, 0), no_tasks=True)
    assert result.total_rows == 3
    report = verify(out, load=False)
    assert report.ok, render_verify_text(report)
    rows = newsset.load(out)["train"]
    assert str(rows.features["matrix"]) == "List(List(Value('int64')))"
    assert sorted(map(str, rows["matrix"])) == ["None", "[[1, 2], [3]]", "[[]]"]


TEXT = {"type": ["string", "null"]}


@pytest.mark.parametrize("props, message", [
    ({"a b": TEXT}, "the property name(s) 'a b' at $: a name must be"),
    ({"a: b": TEXT, "#c": TEXT, "- z": TEXT}, "'a: b', '#c', '- z' at $"),
    ({"1": TEXT}, "'1' at $"),
    ({"caf\u00e9": TEXT}, "'caf\u00e9' at $"),
    ({"x" * 65: TEXT}, "1 to 64 ASCII letters"),
    ({"-lead": TEXT}, "starting with a letter or _"),
    ({"split": TEXT}, "a top-level property cannot be named 'split': croissant.json"),
    ({"Split": TEXT}, "cannot be named 'Split'"),
    ({"Title": TEXT}, "the properties 'title' and 'Title' at $ differ only by case"),
    ({"meta": {"type": "object", "properties": {"ok": TEXT, "a.b": TEXT}, "additionalProperties": False}},
     "'a.b' at $.meta"),
    ({"tags": {"type": "array", "items": {"type": "object", "properties": {"k": TEXT, "K": TEXT},
                                          "additionalProperties": False}}}, "'k' and 'K' at $.tags[]"),
])
def test_property_names_some_consumer_cannot_take_are_refused_at_load(tmp_path: Path, props: dict[str, Any],
                                                                       message: str) -> None:
    """Names went unquoted into the card's YAML (`a: b` broke it) and unchecked into Croissant ids
    (`a b` made mlcroissant refuse the file, `split` lost the user's values): every build exited 0."""
    path = _schema(tmp_path, props)
    with pytest.raises(newsset.SchemaFileError) as e:
        newsset.load_schema(path)
    assert str(e.value).startswith(f"{path}: ") and message in str(e.value)
    records = _records(tmp_path, [{}])
    assert main(["build", str(records), "--out", str(tmp_path / "out"), "--schema", str(path), "-q"]) == 2
    assert not (tmp_path / "out").exists()


def test_names_yaml_would_read_as_another_type_are_quoted_in_the_card(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`yes`, `null`, `on`, `No` are fine names, but plain in YAML they are a bool or None: load_dataset
    failed with `keywords must be strings`."""
    _offline(monkeypatch, tmp_path)
    names = ("yes", "null", "on", "No", "_x", "word-count")
    schema = _schema(tmp_path, {n: TEXT for n in names})
    records = _records(tmp_path, [{n: f"value of {n}" for n in names}])
    out = tmp_path / "out"
    newsset.build([records], out, schema=schema, ratios=(1, 0, 0), no_tasks=True)
    assert '- name: "yes"' in (out / "README.md").read_text()
    report = verify(out, load=False)
    assert report.ok, render_verify_text(report)
    row = newsset.load(out)["train"][0]
    assert {n: row[n] for n in names} == {n: f"value of {n}" for n in names}


def _closed(props: dict[str, Any]) -> dict[str, Any]:
    """A nullable object type that names all its keys."""
    return {"type": ["object", "null"], "properties": props, "additionalProperties": False}


@pytest.mark.parametrize("props, where, extra, path", [
    ({"meta": {"type": ["object", "null"], "properties": {"a": {"type": "integer"}}}}, "#/properties/meta ($.meta)",
     {"meta": {"a": 1, "lang": "fr"}}, "$.meta.lang"),
    ({}, "# ($)", {"language": "fr"}, None),  # the top level: additionalProperties left out
    ({"tags": {"type": "array", "items": {"type": "object", "properties": {"k": TEXT}, "additionalProperties": True}}},
     "#/properties/tags/items ($.tags[])", {"tags": [{"k": "a"}, {"k": "b", "z": 1}]}, "$.tags[].z"),
    ({"meta": {**_closed({"a": TEXT}), "patternProperties": {"^x_": TEXT}}}, "#/properties/meta ($.meta)",
     {"meta": {"a": "x", "x_1": "y"}}, "$.meta.x_1"),
    ({"meta": _closed({"inner": {"$ref": "#/$defs/open"}})}, "#/$defs/open ($.meta.inner)",
     {"meta": {"inner": {"a": "x", "b": "y"}}}, "$.meta.inner.b"),
])
def test_keys_an_open_schema_allows_but_no_column_holds_are_located_rejects(
        tmp_path: Path, props: dict[str, Any], where: str, extra: dict[str, Any], path: str | None) -> None:
    """Such keys passed validate and vanished from the Parquet row (no column holds them), with no
    issue and exit 0; at the top level, a whole field vanished. A record that has one is now a
    located record.unstorable reject; records without one are stored as before."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/open.json"
    doc["$defs"] = {"open": {"type": "object", "properties": {"a": TEXT}}}
    if not props:
        del doc["additionalProperties"]
    doc["properties"].update(props)
    schema_path = tmp_path / "open.json"
    schema_path.write_text(json.dumps(doc))
    assert where in newsset.load_schema(schema_path).open_objects
    records = _records(tmp_path, [{}, extra])
    report = newsset.validate_paths([records], schema_path)
    (issue,) = report.issues
    # (located at the key no field holds, `$.meta.x_1`: the top-level field said too little)
    assert (issue.code, issue.line, issue.json_path) == ("record.unstorable", 2, path or f"$.{next(iter(extra))}")
    assert (path or "language") in issue.message
    result = newsset.build([records], tmp_path / "out", schema=schema_path)
    assert result.total_rows == 1 and result.rejected == {"record.unstorable": 1}


def test_objects_closed_through_ref_or_allof_keep_every_key_the_schema_allows(tmp_path: Path) -> None:
    """A part that a `$ref` or `allOf` brings in closes the object too; and its properties become
    fields of the column beside the object's own (the first part's `properties` alone were kept, so
    `a` was dropped from every row)."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/refs.json"
    doc["$defs"] = {"m": _closed({"a": {"type": "integer"}, "b": TEXT})}
    doc["properties"]["meta"] = {"$ref": "#/$defs/m", "properties": {"b": {"type": "string", "maxLength": 3}}}
    doc["properties"]["more"] = {"allOf": [{"$ref": "#/$defs/m"}], "properties": {"c": TEXT}}
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(doc))
    schema = newsset.load_schema(path)
    assert str(schema.arrow_schema.field("meta").type) == "struct<b: string, a: int64>"
    records = _records(tmp_path, [{"meta": {"a": 1, "b": "xyz"}, "more": {"a": 2}},
                                  {"meta": {"b": "long"}, "more": None}, {"meta": None, "more": {"c": "x"}}])
    result = newsset.build([records], tmp_path / "out", schema=path, ratios=(1, 0, 0), no_tasks=True)
    assert result.total_rows == 1 and result.rejected == {"schema.maxLength": 1, "schema.additionalProperties": 1}
    (row,) = [r for t in newsset.load(tmp_path / "out").values() for r in t]
    assert row["meta"] == {"b": "xyz", "a": 1} and row["more"] == {"c": None, "a": 2, "b": None}


def _nullable(t: str) -> dict[str, Any]:
    return {"type": [t, "null"]}


def _list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": ["array", "null"], "items": items}


def test_croissant_declares_objects_and_lists_so_mlcroissant_reads_every_record(tmp_path: Path) -> None:
    """An object column was declared sc:Text with no subField: mlcroissant failed on every record
    (it called bytes() on a dict). Objects now have a subField per key, lists are `repeated`, and a
    list of objects inside a list or an object, which mlcroissant cannot read, is left out, saying so."""
    mlc = pytest.importorskip("mlcroissant")
    schema = _schema(tmp_path, {
        "meta": _closed({"a": _nullable("integer"), "inner": _closed({"where": _nullable("number")})}),
        "ents": _list({"type": "object", "properties": {"k": _nullable("string"), "tags": _list(_nullable("string"))},
                       "additionalProperties": False}),
        "matrix": _list(_list(_nullable("integer"))),
        "nested": _closed({"rows": _list(_closed({"v": _nullable("integer")}))}),
    })
    records = _records(tmp_path, [
        {"meta": {"a": 1, "inner": {"where": 0.5}}, "ents": [{"k": "K", "tags": ["t"]}], "matrix": [[1, 2], [3]],
         "nested": {"rows": [{"v": 1}]}},
        {"meta": None, "ents": [], "matrix": None, "nested": None}])
    out = tmp_path / "out"
    newsset.build([records], out, schema=schema, ratios=(1, 0, 0), no_tasks=True)
    doc = json.loads((out / "croissant.json").read_text())
    (record_set,) = doc["recordSet"]
    fields = {f["name"]: f for f in record_set["field"]}
    assert "nested" not in fields and "Left out: nested" in record_set["description"]
    assert "`croissant.json` leaves out `nested`" in (out / "README.md").read_text()
    assert [s["@id"] for s in fields["meta"]["subField"]] == ["articles/meta/a", "articles/meta/inner"]
    assert fields["meta"]["subField"][1]["subField"][0]["source"]["transform"] == {"jsonPath": "$['inner']['where']"}
    assert fields["ents"]["repeated"] and fields["matrix"]["repeated"] and fields["matrix"]["dataType"] == "sc:Integer"
    rows = sorted(mlc.Dataset(jsonld=out / "croissant.json").records("articles"),
                  key=lambda r: r["articles/meta"]["articles/meta/a"] is None)
    assert len(rows) == 2
    assert rows[0]["articles/meta"] == {"articles/meta/a": 1}
    assert rows[0]["articles/meta/inner"] == {"articles/meta/inner/where": 0.5}  # (mlcroissant puts depth 2 here)
    assert rows[0]["articles/ents"] == [{"articles/ents/k": b"K", "articles/ents/tags": [b"t"]}]
    assert rows[0]["articles/matrix"] == [[1, 2], [3]]
    assert rows[1]["articles/ents"] == [] and rows[1]["articles/matrix"] is None


def test_dates_inside_lists_and_objects_are_stored(tmp_path: Path) -> None:
    """Only a top-level date or date-time column was converted from its string: inside a list or
    an object every value was a `record.unstorable` reject, though Arrow holds such columns."""
    import datetime as dt

    date, stamp = {"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}
    schema = _schema(tmp_path, {"updates": _list(date), "meta": _closed({"seen": stamp, "days": _list(date)}),
                                      "log": _list({"type": "object", "properties": {"at": stamp},
                                                    "additionalProperties": False})})
    records = _records(tmp_path, [
        {"updates": ["2024-01-02", "2024-02-29"], "meta": {"seen": "2024-01-02t03:04:05.5z", "days": []},
         "log": [{"at": "2024-01-02T03:04:05+02:00"}]},
        {"updates": None, "meta": None, "log": None},
        {"updates": [], "meta": {"seen": "2016-12-31T23:59:60Z", "days": None}, "log": []},  # a leap second
    ])
    report = newsset.validate_paths([records], schema=schema)
    assert [(i.line, i.code, i.json_path) for i in report.issues] == [(3, "record.unstorable", "$.meta")]
    out = tmp_path / "out"
    result = newsset.build([records], out, schema=schema, ratios=(1, 0, 0), no_tasks=True)
    assert result.total_rows == 2 and result.rejected == {"record.unstorable": 1}
    rows = sorted(newsset.load(out)["train"], key=lambda r: r["updates"] is None)
    utc = dt.UTC
    assert rows[0]["updates"] == [dt.date(2024, 1, 2), dt.date(2024, 2, 29)]
    assert rows[0]["meta"]["seen"].astimezone(utc) == dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=utc)
    assert rows[0]["log"][0]["at"].astimezone(utc) == dt.datetime(2024, 1, 2, 1, 4, 5, tzinfo=utc)
    assert (rows[1]["updates"], rows[1]["meta"], rows[1]["log"]) == (None, None, None)


@pytest.mark.parametrize("date", [{"type": ["string", "null"], "format": "date"}, {"type": "string"}])
def test_a_date_split_needs_a_required_calendar_date(tmp_path: Path, date: dict[str, Any]) -> None:
    """A null date went to train and `yesterday` to test (compared as strings), without a word."""
    schema = _schema(tmp_path, {"date": date})
    records = _records(tmp_path, [{}, {}])
    with pytest.raises(newsset.ConfigError, match="--split date needs a schema whose `date` is a required calendar"):
        newsset.build([records], tmp_path / "out", schema=schema, split="date", cutoffs="2024-03-01,2024-06-01")
    assert not (tmp_path / "out").exists()
    assert newsset.build([records], tmp_path / "hash", schema=schema).total_rows == 2


def test_group_by_a_number_keeps_3_and_3_0_in_one_group(tmp_path: Path) -> None:
    """Both are the int64 3 once stored: as str() they were two groups, which could straddle splits."""
    schema = _schema(tmp_path, {"batch": {"type": "integer"}})
    extras = [{"batch": 3 if i % 2 else 3.0} for i in range(40)]
    result = newsset.build([_records(tmp_path, extras)], tmp_path / "out", schema=schema, group_by="batch")
    assert result.total_rows == 40
    assert sorted(s for s, n in result.rows.items() if n) in (["train"], ["validation"], ["test"])


def test_a_schema_that_refs_a_sibling_file_is_published_with_it(tmp_path: Path) -> None:
    """The build copied only the root schema: its `$ref: defs/base.json` then pointed at nothing, and
    `newsset verify` of a fresh build failed. Files the refs reach inside the schema's folder are
    copied beside schema.json and listed (with sha256) in the manifest."""
    folder = tmp_path / "schemas"
    (folder / "defs").mkdir(parents=True)
    base = json.loads(newsset.load_schema().path.read_text())
    base["$id"] = "https://example.org/base.json"
    (folder / "defs" / "base.json").write_text(json.dumps(base))
    (folder / "main.json").write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
                                                  "allOf": [{"$ref": "defs/base.json"}]}))
    records = _records(tmp_path, [{}, {}, {}])
    out = tmp_path / "out"
    for _ in range(2):  # (and again over the first build: the copy is newsset's own file, replaced)
        assert newsset.build([records], out, schema=folder / "main.json").total_rows == 3
        assert (out / "defs" / "base.json").read_bytes() == (folder / "defs" / "base.json").read_bytes()
        listed = [m["path"] for m in json.loads((out / "manifest.json").read_text())["metadata_files"]]
        assert "defs/base.json" in listed
        report = verify(out, load=False)
        assert report.ok, render_verify_text(report)


def test_a_schema_that_refs_a_file_outside_its_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    """The published schema.json would point at `../common/defs.json`, outside the output: `newsset
    verify` of a fresh build failed wherever the output was not beside the schema's parent."""
    (tmp_path / "common").mkdir()
    (tmp_path / "schemas").mkdir()
    base = json.loads(newsset.load_schema().path.read_text())
    base["$id"] = "https://example.org/base.json"
    (tmp_path / "common" / "base.json").write_text(json.dumps(base))
    main = tmp_path / "schemas" / "main.json"
    main.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
                                "allOf": [{"$ref": "../common/base.json"}]}))
    records = _records(tmp_path, [{}, {}])
    with pytest.raises(ConfigError, match=r"\$ref to .*common/base\.json, outside the schema's folder"):
        newsset.build([records], tmp_path / "out", schema=main)
    assert not (tmp_path / "out").exists()
    assert newsset.validate_paths([records], schema=main).valid  # (validating needs no published copy)


@pytest.mark.parametrize("rel", ["manifest.json", "schema.json", "data/base.json", "lm_eval/base.json",
                                 "summarization/base.json"])
def test_a_schema_that_refs_a_path_the_dataset_uses_is_refused_before_any_work(tmp_path: Path, rel: str) -> None:
    """The copy of `manifest.json` (or one under `data/`, a task's folder) cannot sit beside the
    published schema.json: the build left it out and exited 0, and `verify` of the output failed."""
    folder = tmp_path / "schemas"
    (folder / rel).parent.mkdir(parents=True)
    base = json.loads(newsset.load_schema().path.read_text())
    base["$id"] = f"https://example.org/{rel}"
    (folder / rel).write_text(json.dumps(base))
    main = folder / "main.json"
    main.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [{"$ref": rel}]}))
    records = _records(tmp_path, [{}, {}])
    with pytest.raises(ConfigError, match=rf"\$ref to {re.escape(rel)}, a path the dataset itself uses"):
        newsset.build([records], tmp_path / "out", schema=main)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("files", [
    {"main.json": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                   "properties": {"id": {"type": "string"}, "node": {"$ref": "#/$defs/node"}},
                   "$defs": {"node": {"type": "object",
                                      "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}}}},
    {"main.json": {"$ref": "#"}},
    {"main.json": {"$ref": "other.json"}, "other.json": {"$ref": "main.json"}},
], ids=["tree", "self", "two-files"])
def test_a_recursive_schema_is_a_clear_error_not_a_traceback(tmp_path: Path, files: dict[str, Any],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Deriving columns recursed until Python's RecursionError (exit 1, a traceback)."""
    for name, doc in files.items():
        (tmp_path / name).write_text(json.dumps(doc))
    records = _records(tmp_path, [{}])
    for command in ("build", "validate"):
        argv = [command, str(records), "--schema", str(tmp_path / "main.json")]
        assert main([*argv, "--out", str(tmp_path / "out")] if command == "build" else argv) == 2
        assert "the schema is recursive" in capsys.readouterr().err


def test_a_ref_relative_to_the_schemas_own_id_is_read_from_beside_the_schema(tmp_path: Path) -> None:
    """The README tells users to set their own `$id`; a `$ref: defs/extra.json` then resolves to
    https://example.org/schemas/defs/extra.json, which newsset refused as remote (only removing the
    `$id` helped). It is the file at that path beside the schema, published with it; a path that is
    not there is still refused, never fetched."""
    folder = tmp_path / "schemas"
    (folder / "defs").mkdir(parents=True)
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/schemas/mine.json"
    doc["properties"]["extra"] = {"$ref": "defs/extra.json"}
    (folder / "mine.json").write_text(json.dumps(doc))
    (folder / "defs" / "extra.json").write_text(json.dumps({"type": ["string", "null"]}))
    records = _records(tmp_path, [{"extra": "x"}, {"extra": None}, {"extra": 3}])
    out = tmp_path / "far" / "out"
    result = newsset.build([records], out, schema=folder / "mine.json")
    assert result.total_rows == 2 and result.rejected == {"schema.type": 1}
    assert (out / "defs" / "extra.json").read_bytes() == (folder / "defs" / "extra.json").read_bytes()
    assert verify(out, load=False).ok
    doc["properties"]["extra"] = {"$ref": "defs/missing.json"}
    (folder / "mine.json").write_text(json.dumps(doc))
    with pytest.raises(newsset.SchemaFileError, match="never fetches.*missing.json, which does not exist"):
        newsset.load_schema(folder / "mine.json")


def test_a_fragment_ref_in_a_schema_with_an_urn_id_resolves_in_the_schema(tmp_path: Path) -> None:
    """`urljoin` keeps no base for `urn:` ids: `#/$defs/s` was "cannot resolve $ref locally"."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "urn:example:article"
    doc["$defs"] = {"s": {"type": ["string", "null"]}}
    doc["properties"]["extra"] = {"$ref": "#/$defs/s"}
    (tmp_path / "urn.json").write_text(json.dumps(doc))
    sch = newsset.load_schema(tmp_path / "urn.json")
    assert str(sch.arrow_schema.field("extra").type) == "string"
    assert newsset.build([_records(tmp_path, [{"extra": "x"}, {"extra": 1}])], tmp_path / "out",
                         schema=sch).rejected == {"schema.type": 1}


def test_a_schema_the_bundled_tasks_cannot_use_says_how_to_build_it(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The error named --tasks, which the user had not passed."""
    doc = json.loads(newsset.load_schema().path.read_text())
    del doc["properties"]["subtitle"]
    doc["required"] = [r for r in doc["required"] if r != "subtitle"]
    (tmp_path / "s.json").write_text(json.dumps(doc))
    records = _records(tmp_path, [{}])
    assert main(["build", str(records), "--out", str(tmp_path / "out"), "--schema", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert "the bundled task configs: task 'summarization' uses field(s) ['subtitle']" in err
    assert "--no-tasks" in err and "--tasks:" not in err
    main(["build", str(records), "--out", str(tmp_path / "out"), "--schema", str(tmp_path / "s.json"),
          "--no-tasks", "-q"])  # (its records still hold a subtitle, which this schema refuses: exit 1)
    assert "task config" not in capsys.readouterr().err


def test_group_by_places_records_without_a_value_by_their_id(tmp_path: Path) -> None:
    """A null author is no author: such records are not one group (all in one split) but placed
    each by its id, exactly where a build without --group-by puts them."""
    extras = [{"author": None if i % 3 else "Ann Kerr"} for i in range(60)]
    records = _records(tmp_path, extras)
    by_group = newsset.build([records], tmp_path / "g", group_by="author", near_dup="off")
    plain = newsset.build([records], tmp_path / "p", near_dup="off")

    def split_of(out: Path) -> dict[str, str]:
        return {row["id"]: split for split, rows in newsset.load(out).items() for row in rows
                if row["author"] is None}

    placed = split_of(tmp_path / "g")
    assert len(placed) == 40 and placed == split_of(tmp_path / "p")
    assert len(set(placed.values())) > 1  # spread over the splits, not one group
    assert by_group.total_rows == plain.total_rows == 60


def test_an_integer_a_number_column_cannot_hold_exactly_is_a_located_reject(tmp_path: Path) -> None:
    """JSON numbers are stored as float64: 2**53 + 1 came back as 2**53, another value, with no issue.
    Integers it gives back, exactly (2**60) or as the same number written short (10**30 as 1e+30),
    are stored."""
    schema = _schema(tmp_path, {"score": {"type": ["number", "null"]}})
    records = _records(tmp_path, [{"score": 2**53 + 1}, {"score": 10**30}, {"score": 2**60}, {"score": 1.5}])
    (issue,) = newsset.validate_paths([records], schema).issues
    assert (issue.code, issue.line, issue.json_path) == ("record.unstorable", 1, "$.score")
    assert "9007199254740993 is an integer a float64 column cannot hold (it would be read back as 9007199254740992.0)" \
        in issue.message
    out = tmp_path / "out"
    newsset.build([records], out, schema=schema, ratios=(1, 0, 0), no_tasks=True)
    import pyarrow.parquet as pq

    assert sorted(pq.read_table(out / "data").column("score").to_pylist()) == [1.5, 2.0**60, 1e30]


def test_a_field_records_may_leave_out_is_nullable_in_the_card(tmp_path: Path) -> None:
    """Outside audit h29: a property neither required nor typed with null (records may leave it out,
    its column then holds nulls) was `nullable: no` in the card's Fields table."""
    schema = _schema(tmp_path, {"rank": {"type": "integer", "description": "where it ranked"}})
    columns = {c["name"]: c["nullable"] for c in newsset.load_schema(schema).columns}
    assert columns["rank"] is True and columns["id"] is False and columns["subtitle"] is True
    src = _records(tmp_path, [{"rank": 1}, {}, {"rank": 3}])
    newsset.build([src], tmp_path / "out", schema=schema)
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^\| `rank` \| int64 \| yes \|", card, re.M)
