"""The dataset card (README.md): YAML front matter that `load_dataset` and the Hub read, and a
description for people, generated from the schema and the written files, never by hand.

Text between `<!-- newsset:user-start -->` and `<!-- newsset:user-end -->` belongs to the
user: a rebuild carries it over from the previous card unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from . import __version__
from .croissant import unreadable_columns
from .errors import ConfigError, markdown_text
from .schema import Schema, hf_dtype
from .sources import ignored_note
from .split import SPLITS
from .tasks import yaml_quote as _q

__all__ = ["card_digest", "card_features", "front_matter", "render_card", "size_category", "with_charts", "USER_START",
           "USER_END", "hub_license"]

USER_START = "<!-- newsset:user-start -->"
USER_END = "<!-- newsset:user-end -->"
# The user section ends at the first line that is the end marker alone (as newsset writes it), so
# a section may quote the marker (documenting it); else at the first marker anywhere.
_USER_LINE = re.compile(re.escape(USER_START) + r".*?^" + re.escape(USER_END) + r"(?=[ \t\r]*$)", re.S | re.M)
_USER_ANY = re.compile(re.escape(USER_START) + r".*?" + re.escape(USER_END), re.S)


def _user(text: str) -> re.Match[str] | None:
    return _USER_LINE.search(text) or _USER_ANY.search(text)


# The Charts section sits between these markers so `newsset stats --plot` can add or replace it
# in an existing card and get the same text `build --plot` renders.
CHARTS_START = "<!-- newsset:charts-start -->"
CHARTS_END = "<!-- newsset:charts-end -->"
_CHARTS = re.compile(r"\n\n" + re.escape(CHARTS_START) + r".*?" + re.escape(CHARTS_END), re.S)


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")):
        if n < limit:
            return name
    return "100M<n<1B"


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # plain, YAML reads no string


def _name(name: str) -> str:
    """A feature name that YAML reads back as that string: quoted unless a plain word of no other type."""
    return name if _PLAIN_NAME.fullmatch(name) and name.lower() not in _YAML_WORDS else _q(name)


def _feature_yaml(name: str, t: pa.DataType, indent: str) -> list[str]:
    return [f"{indent}- name: {_name(name)}", *_type_yaml(t, indent + "  ")]


def _type_yaml(t: pa.DataType, indent: str) -> list[str]:
    """The `dtype:`, `list:` or `struct:` key of a feature, as `datasets` writes it: a list of lists
    is `list:` holding `list:` (a list of `name:` entries would be a list of structs)."""
    if pa.types.is_list(t):
        v = t.value_type
        if not pa.types.is_nested(v):
            return [f"{indent}list: {hf_dtype(v)}"]
        if pa.types.is_list(v):
            return [f"{indent}list:", *_type_yaml(v, indent + "  ")]
        return [f"{indent}list:", *(line for i in range(v.num_fields)
                                    for line in _feature_yaml(v.field(i).name, v.field(i).type, indent))]
    if pa.types.is_struct(t):
        return [f"{indent}struct:", *(line for i in range(t.num_fields)
                                      for line in _feature_yaml(t.field(i).name, t.field(i).type, indent))]
    return [f"{indent}dtype: {hf_dtype(t)}"]


def card_features(schema: pa.Schema) -> list[dict[str, Any]]:
    """The `features` list the card gives for `schema`, read back as YAML readers get it: what
    `newsset verify` expects to find there, so it is rendered by the very code that writes the card."""
    import yaml

    return yaml.safe_load("\n".join(line for f in schema for line in _feature_yaml(f.name, f.type, ""))) or []


def _config_schema(schema: Schema, info: dict[str, Any], config: str) -> pa.Schema:
    if config == "default":
        return schema.arrow_schema
    return info["tasks"][config].schema(schema.arrow_schema)


#: The license ids a Hugging Face Hub card may name (https://huggingface.co/docs/hub/repositories-licenses).
_HUB_LICENSE_IDS = """
    apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
    bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc
    cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0
    cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0
    cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
    eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl
    openrail++ osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license llama2 llama3
    llama3.1 llama3.2 llama3.3 gemma unknown other
"""
HUB_LICENSES = frozenset(_HUB_LICENSE_IDS.split())


def hub_license(value: str) -> str:
    """The Hub's id for a `--license`: case, spaces for dashes (`CC BY 4.0`) and SPDX's
    `-only`/`-or-later`/`+` aside, one of `HUB_LICENSES`. Anything else is refused before the
    build: the Hub's metadata check does not take it, and a card that names no license the Hub
    knows shows none."""
    key = re.sub(r"[\s_]+", "-", value.strip().lower())
    if key in HUB_LICENSES:  # ("openrail++" is one)
        return key
    key = re.sub(r"(?:-only|-or-later|\+)$", "", key)
    if key in HUB_LICENSES:
        return key
    import difflib

    close = difflib.get_close_matches(key, sorted(HUB_LICENSES), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise ConfigError(f"--license: expected a Hugging Face Hub license id (cc-by-4.0, mit, apache-2.0, ...; the list: "
                      f"https://huggingface.co/docs/hub/repositories-licenses), got {value!r}; {hint}a license "
                      "of your own is 'other', with its text in a LICENSE file beside the data")


def _heading(name: str) -> str:
    """The name as one Markdown heading line: white space folded (a newline would end the heading),
    and an HTML comment opener escaped (the user-section markers are comments)."""
    return " ".join(name.split()).replace("<!--", "&lt;!--")


def front_matter(schema: Schema, info: dict[str, Any]) -> str:
    configs: dict[str, dict[str, dict[str, Any]]] = {c: d for c, d in info["configs"].items() if d}
    total = sum(v["rows"] for v in info["configs"]["default"].values())
    lines = ["---", f"pretty_name: {_q(info['pretty_name'])}", f"license: {_q(info['license'])}"]
    if info["license"] == "other":  # (the Hub asks for an id and a link: the text is the LICENSE file's)
        # (accents folded first: `Ünïcode` -> `unicode-license`, not `n-code-license`)
        ascii_name = unicodedata.normalize("NFKD", info["pretty_name"]).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "dataset"
        lines += [f"license_name: {_q(slug + '-license')}", "license_link: LICENSE"]
    # `language` takes ISO 639 codes; a tag with a region or script (`pt-BR`) goes in `language_details`.
    tags = list(info["language"])
    bases = list(dict.fromkeys(t.split("-")[0].lower() for t in tags))
    lines += ["language:", *(f"- {_q(b)}" for b in bases)]
    if any("-" in t for t in tags):
        lines += ["language_details:", *(f"- {_q(t)}" for t in tags)]
    summarization = ["- summarization"] if configs.get("summarization") else []  # the bundled task, when written
    lines += ["task_categories:", *summarization, "- text-generation"]
    lines += ["task_ids:", "- news-articles-summarization"] if summarization else []
    lines += ["size_categories:", f"- {size_category(total)}", "tags:", "- news", "- newsset"]
    if configs:
        lines.append("configs:")
        for config, splits in configs.items():
            folder = "data" if config == "default" else config
            lines.append(f"- config_name: {config}")
            if config == "default":
                lines.append("  default: true")
            lines.append("  data_files:")
            for s in SPLITS:
                if s in splits:
                    # (.parquet: a note of yours named `train-notes.md` beside the shards is not read as data)
                    lines += [f"  - split: {s}", f"    path: {folder}/{s}-*.parquet"]
    many = len(configs) > 1
    lines.append("dataset_info:")
    for config in configs or {"default": {}}:  # list items and a single mapping indent keys alike
        lines += ([f"- config_name: {config}"] if many else []) + ["  features:"]
        for f in _config_schema(schema, info, config):
            lines += _feature_yaml(f.name, f.type, "  ")
        splits = configs.get(config, {})
        if splits:
            lines.append("  splits:")
            for s in SPLITS:
                if s in splits:
                    lines += [f"  - name: {s}", f"    num_bytes: {splits[s]['num_bytes']}",
                              f"    num_examples: {splits[s]['rows']}"]
        files = [f for f in info["manifest"]["files"] if f["config"] == config]
        lines += [f"  download_size: {sum(f['bytes'] for f in files)}",
                  f"  dataset_size: {sum(v['num_bytes'] for v in splits.values())}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def _cell(value: Any, width: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    # (`<` as an entity: a `<!--` in a schema field's description would hide the rest of the card)
    text = text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _user_block(previous: str | None) -> str:
    if previous:
        if previous.startswith("---"):  # (after the YAML: a pretty_name may quote the marker itself)
            previous = previous.split("\n---", 1)[-1]  # (the first: a quoted YAML value holds no newline)
        m = _user(previous)
        if m:
            return m.group(0)
    return (f"{USER_START}\n## Notes from the maintainers\n\nWrite here anything the data cannot say (sources, "
            "collection dates, known gaps). Text between these two markers is kept when the card is rebuilt.\n"
            f"{USER_END}")


def _charts_block(charts: Sequence[tuple[str, str]]) -> str:
    lines = ["", "", CHARTS_START, "## Charts", ""]
    for alt, rel in charts:
        lines += [f"![{alt}]({rel})", ""]
    return "\n".join([*lines, CHARTS_END])


def with_charts(card: str, charts: Sequence[tuple[str, str]]) -> str:
    """The card with its Charts section ((alt text, relative path) per image) put in place of the
    old one, or before `## Leakage` (after the splits tables); no charts removes the section."""
    card = _CHARTS.sub("", card)
    if not charts:
        return card
    after = card.find(USER_END)
    at = card.find("\n\n## Leakage\n", max(after, 0))
    if at < 0:
        at = len(card.rstrip("\n"))
    return card[:at] + _charts_block(charts) + card[at:]


def card_digest(card: str) -> str:
    """sha256 of what newsset wrote in a card below its YAML, outside the user section and the
    charts (which `newsset stats --plot` may replace): the manifest holds it, so that `verify`
    refuses a hand edit of the card's tables and text (the YAML it checks against the files)."""
    text = card.removeprefix("\ufeff").replace("\r\n", "\n")
    if text.startswith("---"):
        text = text.split("\n---", 1)[-1]  # (as `_user_block` finds the end of the YAML)
    if (m := _user(text)) is not None:
        text = text[:m.start()] + USER_START + USER_END + text[m.end():]
    text = _CHARTS.sub("", text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_card(schema: Schema, info: dict[str, Any], previous: str | None = None) -> str:
    """The whole card; `info["charts"]` (optional) lists (alt text, relative path) of chart images."""
    return with_charts(_render_card(schema, info, previous), info.get("charts") or [])


def _render_card(schema: Schema, info: dict[str, Any], previous: str | None = None) -> str:
    m = info["manifest"]
    stats: dict[str, dict[str, Any]] = info["split_stats"]
    names = [s for s in SPLITS if s in stats]
    total = sum(v["rows"] for v in stats.values())
    split_opt = m["split"]
    out = [front_matter(schema, info), f"# {_heading(info['pretty_name'])}", "",
           f"{total} news article(s) in {len(names)} split(s), parsed from raw scraped pages by newsset "
           f"{__version__}, checked against the JSON Schema `{schema.id}`, deduplicated and guarded against "
           "leakage between splits.", "", _user_block(previous), "", "## Splits", ""]
    if split_opt["strategy"] == "date":
        c0, c1 = split_opt["cutoffs"]
        out.append(f"By date (half-open ranges): train before {c0}, validation from {c0} up to {c1}, test from {c1} "
                   "on. Models are evaluated on articles published after the ones they learn from.")
    else:
        ratios = ", ".join(f"{k} {v:g}" for k, v in split_opt["ratios"].items())
        group = f", grouped by `{split_opt['group_by']}` (all records with one value share a split)" \
            if split_opt.get("group_by") else ""
        kept = m.get("leakage", {}).get("mode") == "keep"
        if split_opt.get("group_by") or kept:
            together = " and ".join(filter(None, ["near copies" if kept else "", "records sharing a "
                                                  f"`{split_opt['group_by']}`" if split_opt.get("group_by") else ""]))
            stable = (f" Records kept together ({together}) take the split of their group's first id: adding an "
                      "article moves existing ones only when it joins their group and its id sorts first, or joins "
                      "two groups into one.")
        else:
            stable = " A record's split depends only on its id, so adding articles never moves existing ones."
        out.append(f"By a salted hash of the id ({ratios}; salt `{split_opt['salt']}`){group}.{stable}")
        if split_opt.get("note"):
            out.append(f"\n**Note:** {split_opt['note']}.")
    out += ["", "| split | rows | first date | last date | body words p5 / p50 / p95 | truncated |",
            "| --- | ---: | --- | --- | --- | ---: |"]
    for s in names:
        st = stats[s]
        lo, hi = st["date_range"] or ("", "")
        w = st["body_words"]
        out.append(f"| {s} | {st['rows']} | {lo} | {hi} | {w['p5']} / {w['p50']} / {w['p95']} | "
                   f"{st['truncated'] / st['rows']:.1%} |")  # (the count's share: the manifest's is rounded)
    empty = [s for s in SPLITS if s not in stats]
    if empty:
        out += ["", f"Empty splits are left out of the files and the YAML: {', '.join(empty)}."]
    pubs = sorted({p for s in names for p in stats[s]["publications"]},
                  key=lambda p: (-sum(stats[s]["publications"].get(p, 0) for s in names), p))
    if pubs:
        out += ["", "### Publications", "", "| publication | " + " | ".join(names) + " |",
                "| --- | " + " | ".join("---:" for _ in names) + " |"]
        for p in pubs[:30]:
            counts = " | ".join(str(stats[s]["publications"].get(p, 0)) for s in names)
            out.append(f"| {markdown_text(p, 160)} | {counts} |")
        if len(pubs) > 30:
            out.append(f"| ({len(pubs) - 30} more) | " + " | ".join("" for _ in names) + " |")
    leak = m["leakage"]
    out += ["", "## Leakage", ""]
    if leak["mode"] == "off":
        out.append("The near-duplicate guard was off (`--near-dup off`): only exact duplicates were removed.")
    else:
        out.append(f"Near duplicates: MinHash over word 5-grams with LSH, Jaccard threshold {leak['threshold']}, "
                   f"mode `{leak['mode']}`.")
    out += ["", "| check | count |", "| --- | ---: |",
            f"| exact duplicates removed (same id or same normalised body) | {leak['exact_duplicates_removed']} |"]
    if leak["mode"] == "off":  # (nothing was measured: no count of near duplicates to show, not even 0)
        out.append("| near-duplicate pairs across splits | not checked |")
    else:
        out += [
            f"| near-duplicate pairs found | {leak['near_duplicate_pairs']} |",
            f"| near-duplicate clusters | {leak['clusters']} |",
            f"| records in clusters | {leak['records_in_clusters']} |",
            f"| near duplicates dropped (`--near-dup drop`) | {leak['dropped']} |",
            f"| near duplicates kept together in one split | {leak['co_located']} |",
            f"| near duplicates dropped because a copy is in another date split | {leak['split_leaks_dropped']} |",
            f"| **near-duplicate pairs across splits** | **{leak['cross_split_pairs']}** |"]
    out += ["", "## Fields", "", "| field | type | nullable | description |", "| --- | --- | --- | --- |"]
    for c in schema.columns:
        null = "yes" if c["nullable"] else "no"
        out.append(f"| `{c['name']}` | {c['dtype']} | {null} | {_cell(c['description'], 400)} |")
    out += _task_section(info)
    out += _examples(info)
    inputs = m["inputs"]
    opts = m["options"]
    out += ["", "## How it was built", "",
            f"- newsset {m['newsset_version']}; schema `{m['schema']['id']}` (sha256 `{m['schema']['sha256']}`, "
            "copied to `schema.json`)",
            f"- options: {_cell({k: v for k, v in opts.items() if k != 'sources'}, 600)}",
            f"- inputs: {inputs['files']} file(s), {inputs['items']} item(s); {inputs['accepted']} accepted, "
            f"{inputs['rejected']} rejected; every reject is listed with its reason in `rejects.jsonl`"
            + markdown_text(ignored_note(Counter(inputs.get("ignored_by_suffix") or {})))]
    if inputs["rejected_by_code"]:
        out += ["", "| reject code | count |", "| --- | ---: |"]
        out += [f"| `{code}` | {n} |" for code, n in inputs["rejected_by_code"].items()]
    out += ["", "`manifest.json` lists every file with its sha256, bytes and rows; `croissant.json` is the MLCommons "
            "Croissant description; `newsset verify .` checks all of it.", ""]
    if left_out := unreadable_columns(schema.arrow_schema):
        out += [f"`croissant.json` leaves out {', '.join(f'`{c}`' for c in left_out)}: a list of objects inside a "
                "list or an object, which Croissant readers cannot read yet (`datasets` and Parquet readers do).", ""]
    out += _loading(info)
    out += ["", "## License", "", f"`{info['license']}`"]
    if info.get("citation"):
        citation = info["citation"].strip()
        fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", citation)), default=0))  # (longer than any
        out += ["", "## Citation", "", f"{fence}bibtex", citation, fence]                         # run inside it)
    return "\n".join(out) + "\n"


def _task_section(info: dict[str, Any]) -> list[str]:
    tasks = info["tasks"]
    if not tasks:
        return []
    out = ["", "## Task configs", "", "Each task is a view of the default config (same splits), loadable with "
           "`load_dataset(DIR, NAME)`; `lm_eval/NAME.yaml` runs it with lm-evaluation-harness.", "",
           "| config | columns | rows per split | notes |", "| --- | --- | --- | --- |"]
    for name, t in tasks.items():
        splits = info["configs"].get(name, {})
        cols = ", ".join(f"`{o}` (`{s}`)" for o, s in t.columns.items())
        rows = ", ".join(f"{s} {splits[s]['rows']}" for s in SPLITS if s in splits) or "none"
        notes = [markdown_text(t.description)] if t.description else []  # (the user's text: no table breaks)
        if t.require:
            notes.append(f"Only records with {', '.join(map(markdown_text, t.require))}")
        if t.untruncated and not info["manifest"]["options"]["allow_truncated"]:
            notes.append("Only untruncated bodies")
        missing = [s for s in SPLITS if s in info["split_stats"] and s not in splits]
        if not splits:
            notes.append("**Left out of the YAML: no record qualifies**")
        elif missing:
            notes.append(f"Split(s) {', '.join(missing)} left out: no record there qualifies")
        if splits and not {"validation", "test"} & set(splits):
            notes.append("No `lm_eval/` YAML: lm-evaluation-harness needs a validation or test split")
        sentences = " ".join(n if n.endswith((".", "?", "!")) else n + "." for n in notes)
        out.append(f"| `{name}` | {cols} | {rows} | {sentences} |")
    return out


EXAMPLE_CHARS = 300  # of a string in the card's examples: a body would fill the page


def _examples(info: dict[str, Any]) -> list[str]:
    out = ["", "## Examples", ""]
    cut = any(isinstance(v, str) and len(v) > EXAMPLE_CHARS for ex in info["examples"].values()
              for v in ex["row"].values())
    if cut:
        out += [f"Strings longer than {EXAMPLE_CHARS} characters are cut short here (ending in \u2026); the data "
                "files hold them whole.", ""]
    for config, ex in info["examples"].items():
        row = {k: (v[:EXAMPLE_CHARS] + "\u2026" if isinstance(v, str) and len(v) > EXAMPLE_CHARS else v)
               for k, v in ex["row"].items()}
        out += [f"`{config}` ({ex['split']}):", "", "```json",
                json.dumps(row, ensure_ascii=False, indent=2, default=str), "```", ""]
    return out


def _loading(info: dict[str, Any]) -> list[str]:
    names = [c for c, d in info["configs"].items() if d and c != "default"]
    extra = [f'tasks = load_dataset("path/to/this/folder", "{names[0]}")'] if names else []
    return ["## How to load it", "", "```python", "from datasets import load_dataset",
            'ds = load_dataset("path/to/this/folder")  # works offline', *extra, "```", "",
            "```python", "import pandas as pd", 'df = pd.read_parquet("path/to/this/folder/data")', "```", "",
            "```sql", "-- DuckDB: one config's folder at a time (the configs' columns differ); no `key=value` folder",
            "-- names on the path taken for columns",
            "SELECT * FROM read_parquet('path/to/this/folder/data/*.parquet', hive_partitioning = false);", "```"]
