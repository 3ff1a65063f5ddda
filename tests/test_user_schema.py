"""Schemas of one's own (`--schema`) with nested and unusual fields: what a build writes from them
must be readable by every consumer (load_dataset, mlcroissant), and what no consumer could take
is refused when the schema is loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import newsset
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
