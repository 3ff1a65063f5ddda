"""MLCommons Croissant 1.0 metadata (`croissant.json`) for the written Parquet files."""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa

from . import __version__
from .schema import Schema

__all__ = ["render_croissant", "unreadable_columns"]

CONTEXT: dict[str, Any] = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "samplingRate": "cr:samplingRate", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform", "equivalentProperty": "cr:equivalentProperty",
}

_SPDX = {"cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
         "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
         "cc-by-nc-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
         "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
         "mit": "https://opensource.org/licenses/MIT", "apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0"}


def _data_type(t: pa.DataType) -> str:
    if pa.types.is_date(t):
        return "sc:Date"
    if pa.types.is_timestamp(t):
        return "sc:DateTime"
    if pa.types.is_boolean(t):
        return "sc:Boolean"
    if pa.types.is_integer(t):
        return "sc:Integer"
    if pa.types.is_floating(t):
        return "sc:Float"
    return "sc:Text"


def _field(fid: str, f: pa.Field, description: str, source: dict[str, Any], column: str,
           path: tuple[str, ...]) -> dict[str, Any]:
    """The Croissant field of a column, or of a member of a struct column at `path` in it. A list
    (of lists too: readers give nested lists back) is `repeated`; a struct has a `subField` per
    member, each read from the whole column by a `jsonPath` (Croissant reads Parquet columns by
    their top-level name only). A struct declared as text made mlcroissant fail on every record."""
    out: dict[str, Any] = {"@type": "cr:Field", "@id": fid, "name": f.name, "description": description or f.name}
    t = f.type
    while pa.types.is_list(t):
        out["repeated"] = True
        t = t.value_type
    if pa.types.is_struct(t):
        out["subField"] = [_field(f"{fid}/{m.name}", m, (m.metadata or {}).get(b"description", b"").decode(),
                                  source, column, (*path, m.name)) for m in t]
        return out
    out["dataType"] = _data_type(t)
    out["source"] = {**source, "extract": {"column": column}}
    if path:
        # Bracketed: jsonpath_rw (mlcroissant's) reads a bare `where` as its keyword, not a name.
        out["source"]["transform"] = {"jsonPath": "$" + "".join(f"['{p}']" for p in path)}
    return out


def unreadable_columns(schema: pa.Schema) -> list[str]:
    """The columns left out of the record set: mlcroissant (1.1) fails on every record when a list
    of structs is inside a list or a struct; such a column is still in the Parquet files."""
    def readable(t: pa.DataType, top: bool) -> bool:
        lists = 0
        while pa.types.is_list(t):
            t, lists = t.value_type, lists + 1
        if not pa.types.is_struct(t):
            return True
        return (lists == 0 or (top and lists == 1)) and all(readable(m.type, False) for m in t)

    return [f.name for f in schema if not readable(f.type, True)]


def _slug(text: str) -> str:
    """The pretty name as an identifier: its letters and digits in any script (`Ünïcode news` ->
    `Ünïcode-news`, not `n-code-news`), runs of anything else one `-`."""
    return re.sub(r"[^\w.-]+", "-", text).strip("-_") or "dataset"


def _split_field(rid: str, source: dict[str, Any], folder: str) -> dict[str, Any]:
    return {"@type": "cr:Field", "@id": f"{rid}/split", "name": "split", "dataType": "sc:Text",
            "description": "The split (train, validation or test), from the shard's file name.",
            "source": {**source, "extract": {"fileProperty": "fullpath"},
                       "transform": {"regex": f"^(?:.*/)?{re.escape(folder)}/(\\w+)-.*\\.parquet$"}}}


def render_croissant(schema: Schema, info: dict[str, Any]) -> dict[str, Any]:
    """One FileObject (with sha256) per shard; one record set `articles` over the default config's
    shards and one per task config written (its columns, read from its folder), each with a
    `split` field taken from the file name."""
    files = info["manifest"]["files"]
    distribution: list[dict[str, Any]] = [
        {"@type": "cr:FileObject", "@id": f["path"], "name": f["path"], "contentUrl": f["path"],
         "encodingFormat": "application/x-parquet", "contentSize": f"{f['bytes']} B", "sha256": f["sha256"]}
        for f in files]
    distribution.append({"@type": "cr:FileSet", "@id": "parquet-files", "name": "parquet-files",
                         "description": "All Parquet shards of the default config.",
                         "encodingFormat": "application/x-parquet", "includes": "data/*.parquet"})
    source = {"fileSet": {"@id": "parquet-files"}}
    fields: list[dict[str, Any]] = [_split_field("articles", source, "data")]
    left_out = unreadable_columns(schema.arrow_schema)
    for c, f in zip(schema.columns, schema.arrow_schema):
        if f.name not in left_out:
            fields.append(_field(f"articles/{f.name}", f, c["description"], source, f.name, ()))
    record_sets = [{"@type": "cr:RecordSet", "@id": "articles", "name": "articles",
                    "description": "One record per article, all splits." + (
                        f" Left out: {', '.join(left_out)} (a list of objects inside a list or an object, which "
                        "Croissant readers cannot read yet; Parquet readers and Hugging Face datasets read it)."
                        if left_out else ""), "key": {"@id": "articles/id"},
                    "field": fields}]
    described = {f.name: c["description"] for c, f in zip(schema.columns, schema.arrow_schema)}
    for name, task in (info.get("tasks") or {}).items():
        if not (info.get("configs") or {}).get(name):
            continue  # (a task no record went into: no folder)
        rid = name if name != "articles" else "articles-task"
        fs = f"{name}-parquet-files"
        distribution.append({"@type": "cr:FileSet", "@id": fs, "name": fs,
                             "description": f"All Parquet shards of the {name} config.",
                             "encodingFormat": "application/x-parquet", "includes": f"{name}/*.parquet"})
        task_source = {"fileSet": {"@id": fs}}
        task_fields = [_split_field(rid, task_source, name)]
        for out, src in task.columns.items():
            f = schema.arrow_schema.field(src)
            if src not in left_out:
                task_fields.append(_field(f"{rid}/{out}", f.with_name(out), f"`{src}` of the article: "
                                          f"{described.get(src) or src}", task_source, out, ()))
        dropped = [out for out, src in task.columns.items() if src in left_out]
        record_sets.append({"@type": "cr:RecordSet", "@id": rid, "name": rid,
                            "description": (task.description or f"The {name} task config.") + (
                                f" Left out: {', '.join(dropped)} (a list of objects inside a list or an object)."
                                if dropped else ""), "field": task_fields})
    lic = info["license"]
    doc: dict[str, Any] = {
        "@context": CONTEXT, "@type": "sc:Dataset", "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": _slug(info["pretty_name"]),
        "description": f"News articles packaged by newsset {__version__} under the JSON Schema {schema.id}.",
        "url": "https://github.com/newsset/newsset", "version": "1.0.0",
        "creator": {"@type": "sc:Organization", "name": "newsset"},
        "keywords": ["news", "newsset"],
        "inLanguage": list(info.get("language") or ()),
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if info.get("today"):
        doc["datePublished"] = str(info["today"])  # the build's date (what --today says, if given)
    if lic == "other":
        doc["license"] = "LICENSE"  # the license's own text, beside this file (the card's `license_link`)
    elif lic and lic != "unknown":
        doc["license"] = _SPDX.get(lic.lower(), lic)
    if info.get("citation"):
        doc["citeAs"] = info["citation"]
    return doc
