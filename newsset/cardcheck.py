"""The dataset card's checks for `newsset verify`: its YAML against the shards the manifest lists.

`load_dataset` reads the card's `configs` globs and casts to its `features`, and the Hub reads its
`license`, `size_categories` and `language`: an edit there changes what consumers get without
touching a shard. These checks are pure (the folder is read by `verify`) and return problems as
data, each a message with what was expected and found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = ["Problem", "Shard", "card_problems", "describe_value", "feature_problems", "front_matter",
           "hub_metadata_problems", "kind_name"]

#: A problem with the card: (message, expected, found); either of the last two may be None.
Problem = tuple[str, Any, Any]

_KINDS = {str: "a string", int: "a whole number of at least 0", dict: "an object", list: "a list"}
_ISO639 = re.compile(r"[a-z]{2,3}")
# The card's YAML block as huggingface_hub finds it (`REGEX_YAML_BLOCK`, after a UTF-8 BOM, which it
# reads as `utf-8-sig`): any line ends, so a card saved with CRLF or a BOM loads, and passes here too.
_FRONT_MATTER = re.compile(r"\s*---(?:\r\n|\r|\n)([\S\s]*?)(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\n|$)")


@dataclass(frozen=True)
class Shard:
    """A Parquet file as manifest.json lists it."""

    rel: str
    config: str
    split: str
    rows: int


def describe_value(value: Any) -> str:
    """A JSON value as a message shows it: its kind, and the value itself cut short."""
    kind = ("null" if value is None else "true/false" if isinstance(value, bool) else
            "a number" if isinstance(value, (int, float)) else _KINDS.get(type(value), type(value).__name__))
    text = json.dumps(value, ensure_ascii=False, default=str)
    return kind if value is None else f"{kind} ({text if len(text) <= 40 else text[:39] + '…'})"


def kind_name(t: type) -> str:
    """What a manifest key of JSON type `t` should be, in words."""
    return _KINDS[t]


def front_matter(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the card's YAML mapping, None) or (None, what is wrong with it)."""
    import yaml

    m = _FRONT_MATTER.match(text.removeprefix("\ufeff"))
    try:
        meta = yaml.safe_load(m.group(1)) if m else None
    except yaml.YAMLError as err:
        return None, f"the YAML front matter does not parse: {err}"
    except RecursionError:
        return None, "the YAML front matter nests too deeply to read"
    if not isinstance(meta, dict):
        return None, "no YAML front matter mapping between `---` lines"
    return meta, None


def _glob(pattern: str) -> re.Pattern[str]:
    """A `data_files` glob as `datasets` reads it: `*` stays inside one folder, `**` crosses folders."""
    tokens = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern.removeprefix("./"))
    return re.compile("".join(tokens.get(p, re.escape(p)) for p in parts))


def _data_files(value: Any) -> list[tuple[str, list[str]]] | None:
    """(split, globs) pairs of a config's `data_files` list; None for a shape newsset never writes."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return None
    out = [(str(e.get("split", "train")), [e["path"]] if isinstance(e.get("path"), str) else e.get("path"))
           for e in value]
    ok = all(isinstance(p, list) and p and all(isinstance(x, str) for x in p) for _, p in out)
    return out if ok else None


def _spec(feature: dict[str, Any]) -> str:
    """A card feature's type, as one line of YAML: `{dtype: date32}`."""
    import yaml

    return str(yaml.safe_dump({k: v for k, v in feature.items() if k != "name"}, default_flow_style=True,
                              width=1 << 16)).strip()


def hub_metadata_problems(meta: dict[str, Any], total: int) -> Iterator[Problem]:
    """The YAML keys the Hub's metadata check reads, as newsset writes them: the size category
    of the default config's rows, ISO 639 codes under `language` (`english` or `pt-BR` there
    is refused by the Hub; a region goes in `language_details`)."""
    from .card import size_category

    want = [size_category(total)]
    if meta.get("size_categories") != want:
        yield (f"size_categories: the card says {describe_value(meta.get('size_categories'))}, but its {total:,} "
               f"rows are {want[0]}", want[0], str(meta.get("size_categories")))
    langs = meta.get("language")
    bad = [x for x in langs if not (isinstance(x, str) and _ISO639.fullmatch(x))] if isinstance(langs, list) \
        else [langs]
    if bad:
        yield (f"language: expected ISO 639 codes (en, fr, pt; a region or script goes in language_details), found "
               f"{', '.join(map(repr, bad))}", None, None)


def card_problems(meta: dict[str, Any], shards: list[Shard], built_license: str | None,
                  schema_of: Callable[[str], pa.Schema | None]) -> Iterator[Problem]:
    """The card's configs and split sizes must describe exactly the shards in the manifest, its
    features be their columns (`schema_of(config)`), and its license be the build's (which
    croissant.json and the manifest state too)."""
    if built_license is not None and meta.get("license") != built_license:
        yield (f"license: the card says {describe_value(meta.get('license'))}, but the build was given --license "
               f"{built_license} (manifest.json and croissant.json say so): edited by hand? rebuild with the "
               "license you mean, so that all three agree", built_license, str(meta.get("license")))
    rows: dict[tuple[str, str], int] = {}
    for s in shards:
        rows[(s.config, s.split)] = rows.get((s.config, s.split), 0) + s.rows
    yield from hub_metadata_problems(meta, sum(n for (config, _), n in rows.items() if config == "default"))
    if not isinstance(listed := meta.get("configs") or [], list):
        yield f"`configs` should be a list of configs, found {describe_value(listed)}", None, None
        listed = []
    configs = [c if isinstance(c, dict) else {} for c in listed]
    yield from _data_files_problems(configs, shards)
    info = meta.get("dataset_info") or []
    only = str(configs[0].get("config_name", "default")) if len(configs) == 1 else "default"
    described: set[tuple[str, str]] = set()
    for inf in [i if isinstance(i, dict) else {} for i in (info if isinstance(info, list) else [info])]:
        if "features" in inf and (schema := schema_of(config := str(inf.get("config_name", only)))) is not None:
            yield from feature_problems(config, inf["features"], schema)
        splits = inf.get("splits")
        for sp in [sp if isinstance(sp, dict) else {} for sp in (splits if isinstance(splits, list) else [])]:
            key, got = (str(inf.get("config_name", only)), str(sp.get("name"))), sp.get("num_examples")
            described.add(key)
            if key not in rows:
                yield f"{'/'.join(key)}: in dataset_info but no file in manifest.json", None, None
            elif got != rows[key]:
                yield f"{'/'.join(key)}: num_examples is {got}, but its files hold {rows[key]} row(s)", rows[key], got
    for key in sorted(rows.keys() - described):
        yield f"{'/'.join(key)}: dataset_info gives no num_examples", rows[key], None


def _data_files_problems(configs: list[dict[str, Any]], shards: list[Shard]) -> Iterator[Problem]:
    """Each config's `data_files` globs match exactly its own shards, and together every shard."""
    covered: set[str] = set()
    for c in configs:
        name = str(c.get("config_name", "default"))
        if (files := _data_files(c.get("data_files"))) is None:
            yield f"config {name!r}: data_files is not a list of split/path entries", None, None
        for split, pat in [(split, pat) for split, pats in files or [] for pat in pats]:
            if not (hits := [s for s in shards if _glob(pat).fullmatch(s.rel)]):
                yield f"{name}/{split}: {pat!r} matches no file in manifest.json", None, None
            for s in hits:
                covered.add(s.rel)
                if (s.config, s.split) != (name, split):
                    yield (f"{name}/{split}: {pat!r} matches {s.rel}, which manifest.json lists as "
                           f"{s.config}/{s.split}", None, None)
    for s in shards:
        if s.rel not in covered:
            yield f"no data_files path matches {s.rel}: load_dataset would skip it", None, None


def feature_problems(config: str, features: Any, schema: pa.Schema) -> Iterator[Problem]:
    """load_dataset casts the shards to the card's `features`: an edited type there changes what it returns
    (a date read as a string), so they must be the shards' own, as the card first gave them."""
    from .card import card_features

    if not (isinstance(features, list) and all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                                for f in features)):
        yield (f"{config}: `features` should be a list of name/type entries, found {describe_value(features)}", None,
               None)
        return
    want = {f["name"]: _spec(f) for f in card_features(schema)}
    got = {f["name"]: _spec(f) for f in features}
    for name in [n for n in want if n in got and got[n] != want[n]]:
        yield (f"{config}: feature {name!r} is {got[name]} in dataset_info, but the shards hold {want[name]}: "
               "load_dataset casts the column to the card's type, or fails", want[name], got[name])
    for name in [n for n in want if n not in got]:
        yield (f"{config}: feature {name!r} is missing from dataset_info, though the shards hold it ({want[name]}): "
               "load_dataset fails on the other columns", want[name], None)
    for name in [n for n in got if n not in want]:
        yield (f"{config}: feature {name!r} is in dataset_info, but in no shard: load_dataset fails on the other "
               "columns", None, got[name])
    if want == got and list(want) != list(got):
        yield (f"{config}: dataset_info lists the features in another order than the shards", ", ".join(want),
               ", ".join(got))
