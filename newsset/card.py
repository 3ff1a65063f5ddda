"""The dataset card (README.md): YAML front matter that `load_dataset` and the Hub read, and a
description for people, generated from the schema and the written files, never by hand."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from . import __version__
from .schema import Schema, hf_dtype
from .split import SPLITS

__all__ = ["render_card", "size_category"]


def _q(value: Any) -> str:
    """A YAML scalar: JSON strings are valid YAML and need no escaping rules of their own."""
    return json.dumps(value, ensure_ascii=False)


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")):
        if n < limit:
            return name
    return "100M<n<1B"


def _feature_yaml(name: str, t: pa.DataType, indent: str) -> list[str]:
    head = f"{indent}- name: {name}"
    if pa.types.is_list(t) and not pa.types.is_nested(t.value_type):
        return [head, f"{indent}  list: {hf_dtype(t.value_type)}"]
    if pa.types.is_list(t):
        out = [head, f"{indent}  list:"]
        for i in range(t.value_type.num_fields):
            f = t.value_type.field(i)
            out += _feature_yaml(f.name, f.type, indent + "  ")
        return out
    if pa.types.is_struct(t):
        out = [head, f"{indent}  struct:"]
        for i in range(t.num_fields):
            out += _feature_yaml(t.field(i).name, t.field(i).type, indent + "  ")
        return out
    return [head, f"{indent}  dtype: {hf_dtype(t)}"]


def front_matter(schema: Schema, info: dict[str, Any]) -> str:
    splits: dict[str, dict[str, Any]] = info["splits"]
    names = [s for s in SPLITS if s in splits]
    total = sum(v["rows"] for v in splits.values())
    lines = ["---", f"pretty_name: {_q(info['pretty_name'])}", f"license: {_q(info['license'])}", "language:"]
    lines += [f"- {_q(lang)}" for lang in info["language"]]
    lines += ["task_categories:", "- summarization", "- text-generation", "task_ids:", "- news-articles-summarization",
              "size_categories:", f"- {size_category(total)}", "tags:", "- news", "- newsset"]
    if names:
        lines += ["configs:", "- config_name: default", "  default: true", "  data_files:"]
        for s in names:
            lines += [f"  - split: {s}", f"    path: data/{s}-*"]
    lines += ["dataset_info:", "  features:"]
    for f in schema.arrow_schema:
        lines += _feature_yaml(f.name, f.type, "  ")
    if names:
        lines.append("  splits:")
        for s in names:
            lines += [f"  - name: {s}", f"    num_bytes: {splits[s]['num_bytes']}",
                      f"    num_examples: {splits[s]['rows']}"]
    files = info["manifest"]["files"]
    lines += [f"  download_size: {sum(f['bytes'] for f in files)}",
              f"  dataset_size: {sum(v['num_bytes'] for v in splits.values())}", "---"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_card(schema: Schema, info: dict[str, Any]) -> str:
    m = info["manifest"]
    splits = info["splits"]
    names = [s for s in SPLITS if s in splits]
    total = sum(v["rows"] for v in splits.values())
    out = [front_matter(schema, info), f"# {info['pretty_name']}", "",
           f"News articles packaged by [newsset](https://github.com/newsset/newsset) {__version__}: "
           f"{total} article(s) in {len(names)} split(s), parsed from raw scraped pages, checked against the "
           f"JSON Schema `{schema.id}` and deduplicated.", "", "## Splits", "",
           "| split | rows | first date | last date | files |", "| --- | ---: | --- | --- | ---: |"]
    for s in names:
        lo, hi = splits[s]["date_range"] or ("", "")
        out.append(f"| {s} | {splits[s]['rows']} | {lo} | {hi} | {len(splits[s]['files'])} |")
    if not names:
        out.append("| (none) | 0 | | | 0 |")
    empty = [s for s in SPLITS if s not in splits]
    if empty:
        out += ["", f"Empty splits are left out of the files and the YAML: {', '.join(empty)}."]
    out += ["", "## Fields", "", "| field | type | nullable | description |", "| --- | --- | --- | --- |"]
    for c in schema.columns:
        out.append(f"| `{c['name']}` | {c['dtype']} | {'yes' if c['nullable'] else 'no'} | {_cell(c['description'])} |")
    inputs = m["inputs"]
    out += ["", "## How it was built", "",
            f"- newsset {m['newsset_version']}, schema `{m['schema']['id']}` (sha256 `{m['schema']['sha256'][:16]}…`)",
            f"- inputs: {inputs['files']} file(s), {inputs['items']} item(s); {inputs['accepted']} accepted, "
            f"{inputs['rejected']} rejected ({inputs['duplicates']} exact duplicate(s)); every reject is listed "
            "with its reason in `rejects.jsonl`",
            f"- splits: ratios {m['split']['ratios']}, salt `{m['split']['salt']}`; a record's split depends only "
            "on its id, so adding articles never moves existing ones",
            "- files: `manifest.json` lists every file with its sha256, bytes and rows; `croissant.json` is the "
            "MLCommons Croissant description"]
    if inputs["rejected_by_code"]:
        out += ["", "| reject code | count |", "| --- | ---: |"]
        out += [f"| `{code}` | {n} |" for code, n in inputs["rejected_by_code"].items()]
    out += ["", "## How to load it", "", "```python", "from datasets import load_dataset",
            'ds = load_dataset("path/to/this/folder")  # works offline', "```", "",
            "```python", "import pandas as pd", 'df = pd.read_parquet("path/to/this/folder/data")', "```", "",
            "```sql", "SELECT * FROM read_parquet('path/to/this/folder/data/*.parquet');  -- DuckDB", "```", "",
            "## License", "", f"`{info['license']}`", ""]
    return "\n".join(out)
