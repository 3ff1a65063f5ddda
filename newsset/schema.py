"""The JSON Schema as the single source of truth: loading it safely, checking records, and
deriving the Arrow schema and Hugging Face features from it.

Loading resolves every `$ref` up front from local files only (the bundled schema by its
`$id`, or files next to the user's schema); a remote reference is refused with exit 2 rather
than fetched. Checking uses a compiled validator (`jsonschema_rs`) to decide valid/invalid
and the reference implementation (`jsonschema`) only to explain failures in full.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

import pyarrow as pa

from .errors import CODES, SURROGATE, ConfigError, SchemaFileError, json_type
from .sources import read_small_file

__all__ = ["Schema", "bundled_schema_path", "load_schema", "nested_values", "hf_dtype", "hf_features_of", "issue_code"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: A property name every consumer takes as it is: the card's YAML, load_dataset, pandas and Croissant
#: ids (SQL engines, with quotes for a `-`: "word-count").
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
#: Top-level names croissant.json's record set uses for fields of its own.
RESERVED = ("split",)


def bundled_schema_path() -> Path:
    """The bundled article schema, in a checkout (`schemas/`) or an installed wheel (`newsset/schemas/`)."""
    here = Path(__file__).resolve().parent
    for folder in (here / "schemas", here.parent / "schemas"):
        if (folder / "article.schema.json").is_file():
            return folder / "article.schema.json"
    raise SchemaFileError("the bundled schema article.schema.json is missing from this installation")


SCHEMA_MAX_BYTES = 16 << 20  # far more than any schema; /dev/zero or a FIFO must not be read whole


def _read_json(path: Path) -> dict[str, Any]:
    return _read_json_bytes(path)[0]


def _read_json_bytes(path: Path) -> tuple[dict[str, Any], bytes]:
    """(the JSON object in the file, the bytes it was read from: what is hashed and published)."""
    try:
        data = read_small_file(path, SCHEMA_MAX_BYTES)
    except OSError as e:
        raise SchemaFileError(f"{path}: cannot read the schema: {e.strerror or e}") from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise SchemaFileError(f"{path}: the schema is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise SchemaFileError(f"{path}: expected a JSON object as the schema, got {type(doc).__name__}")
    if b"\\u" in data:  # an escape JSON allows but no text holds: a lone surrogate (`"\\ud800"`)
        try:
            json.dumps(doc, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as e:
            raise SchemaFileError(f"{path}: the schema holds a lone surrogate escape ({e.object[e.start]!r}), which "
                                  "is no Unicode text: Parquet metadata and the card cannot hold it") from None
    return doc, data


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("$ref", "$dynamicRef") and isinstance(v, str):
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _url_path(path: str) -> str:
    """urllib.request.url2pathname, which on POSIX is `unquote`: without importing urllib.request
    (http and email with it, 15 ms) in every build for a schema's file URIs."""
    if os.name == "nt":
        from urllib.request import url2pathname

        return url2pathname(path)
    from urllib.parse import unquote

    return unquote(path)


@dataclass
class Schema:
    """A loaded, checked schema plus every local document it refers to."""

    doc: dict[str, Any]
    path: Path
    uri: str
    sha256: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: bytes = b""  # the file's bytes as loaded (and hashed): what a build publishes, edited meanwhile or not

    @property
    def id(self) -> str:
        return str(self.doc.get("$id", self.uri))

    def companions(self) -> list[tuple[str, Path]]:
        """The local files the schema's `$ref`s reach, other than itself and the bundled schema, as
        (path relative to the schema's folder, path), for those inside that folder: a build copies
        them beside its schema.json so that the copy resolves its refs as the original did."""
        home = self.path.resolve().parent
        return sorted((p.relative_to(home).as_posix(), p) for p in self._ref_files() if p.is_relative_to(home))

    def outside_refs(self) -> list[Path]:
        """The files the schema's `$ref`s reach outside its folder (`../defs.json`): a published copy
        of the schema could not reach them (a build refuses such a schema, see `pipeline.build`)."""
        home = self.path.resolve().parent
        return sorted(p for p in self._ref_files() if not p.is_relative_to(home))

    def _ref_files(self) -> set[Path]:
        skip = {self.path.resolve(), bundled_schema_path().resolve()}
        files = {Path(_url_path(urlparse(uri).path)).resolve() for uri in self.resources
                 if urlparse(uri).scheme == "file"}
        return files - skip

    # -- validators ----------------------------------------------------------------

    @cached_property
    def _explainer(self) -> Any:
        import jsonschema
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        registry: Registry[Any] = Registry().with_resources(
            (uri, DRAFT202012.create_resource(d)) for uri, d in self.resources.items())
        base = jsonschema.Draft202012Validator
        # `pattern` through the compiled validator's linear-time regex engine: Python's `re`
        # backtracks, and a user pattern like ^(a+)+$ would hang the explaining of one record.
        # `format`: the formats jsonschema cannot check here go to the compiled validator too,
        # so that both paths assert the same formats.
        cls = jsonschema.validators.extend(base, {"pattern": _linear_pattern, "format": _format})
        doc = self.doc if "$id" in self.doc else {**self.doc, "$id": self.uri}
        return cls(doc, registry=registry, format_checker=base.FORMAT_CHECKER)

    @cached_property
    def _fast(self) -> Any:
        import jsonschema_rs

        registry = jsonschema_rs.Registry(list(self.resources.items()))
        # The formats jsonschema checks are checked by the very same functions here: the two
        # disagreed on `date` (jsonschema_rs took 0000-01-01, which no Python date or Arrow
        # date32 can hold, so `validate` passed a record that `build` then crashed on).
        return jsonschema_rs.validator_for(self.doc, registry=registry, validate_formats=True, offline=True,
                                           base_uri=self.uri, pattern_options=jsonschema_rs.RegexOptions(),
                                           formats=_python_formats())

    def is_valid(self, record: Any) -> bool:
        """The fast path: the compiled validator's verdict (formats asserted). Agrees with
        `errors(record) == []` for every JSON value."""
        try:
            return bool(self._fast.is_valid(record))
        except (ValueError, TypeError, OverflowError):
            # Values jsonschema_rs cannot take (huge ints, a lone surrogate meeting a pattern):
            # the explaining path decides, so that the two never disagree.
            return not self.errors(record)

    def errors(self, record: Any) -> list[Any]:
        """Every violation, as `jsonschema.ValidationError`s in a stable order (the slow path)."""
        errs = list(self._explainer.iter_errors(record))
        return sorted(errs, key=lambda e: (list(map(str, e.absolute_path)), list(map(str, e.absolute_schema_path))))

    # -- derived types ---------------------------------------------------------------

    @cached_property
    def arrow_schema(self) -> pa.Schema:
        """The Parquet columns: one per top-level property, typed and ordered by the schema."""
        try:
            props = self._effective(self.doc, self.uri)
            if not props["properties"]:
                raise SchemaFileError(f"{self.path}: the schema defines no properties, so there are no columns")
            self._check_names(list(props["properties"]), "$")
            fields = [self._field(name, sub, f"$.{name}") for name, sub in props["properties"].items()]
        except RecursionError:  # (a tree of nodes, `{"$ref": "#"}`, two files that $ref each other)
            raise SchemaFileError(f"{self.path}: the schema is recursive (a $ref leads back to where it started), "
                                  "and a Parquet column cannot nest without end: give the recursive part a type "
                                  "of its own (a JSON string, say)") from None
        return pa.schema(fields, metadata={"json_schema_id": self.id, "json_schema_sha256": self.sha256})

    @cached_property
    def open_objects(self) -> list[str]:
        """`#/pointer ($.path)` of each object type that allows keys its `properties` do not name (no
        `additionalProperties: false`): no column holds such a key, so a record that has one is a
        located `record.unstorable` reject, never a row with the value dropped."""
        return list(self._open_objects([(self.doc, self.uri, "#")], "$"))

    @cached_property
    def _refusing(self) -> list[tuple[str, pa.DataType]]:
        """The columns whose Arrow type can refuse a value the JSON Schema allows: integers past
        int64, numbers past float64, date-times Arrow cannot read (a leap second, nanoseconds, an
        offset past year 1 or 9999), and values nested in lists and objects."""
        def refuses(t: pa.DataType) -> bool:
            return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_timestamp(t)

        return [(f.name, f.type) for f in self.arrow_schema if refuses(f.type) or pa.types.is_nested(f.type)]

    def unstorable(self, record: dict[str, Any]) -> list[tuple[str, pa.DataType | None, str, str]]:
        """(field, column type, why) for each value of a valid record that its column cannot hold,
        or that its readers cannot give back as a Python value; (key, None, why) for a key the schema
        allows but declares no column for (see `open_objects`). Each with the JSON path of the value
        at fault (`$.meta.words`, a key inside a struct column no field holds)."""
        out: list[tuple[str, pa.DataType | None, str, str]] = []
        if self.open_objects:
            columns = self.arrow_schema
            for key in record:
                if columns.get_field_index(key) < 0:
                    out.append((key, None, "the schema allows the field but declares no column for it", f"$.{key}"))
                else:
                    extra = next(_unheld(record[key], columns.field(key).type, f"$.{key}"), None)
                    if extra is not None:
                        out.append((key, columns.field(key).type, f"no field of the column holds {extra}", extra))
        if not self._refusing:
            return out
        from .write import to_column

        for name, typ in self._refusing:
            value = record.get(name)
            if value is not None:
                try:
                    to_column([value], typ).to_pylist()  # (readers that give Python values too: year 0 is none)
                except (pa.ArrowException, OverflowError, ValueError, TypeError) as e:
                    out.append((name, typ, str(e).split("\n")[0][:200], f"$.{name}"))
        return out

    @cached_property
    def columns(self) -> list[dict[str, Any]]:
        """Per column: name, dtype, whether null is allowed, and the description (for the card)."""
        fields = self.arrow_schema  # (first: it refuses a recursive schema, which `_effective` may be)
        effective = self._effective(self.doc, self.uri)
        props = effective["properties"]
        required = effective["required"]  # (a field records may leave out is null in its column)
        out = []
        for f in fields:
            subs = props[f.name]
            types: set[str] | None = None
            for s in subs:
                if "type" in s:
                    types = set(_types(s["type"])) if types is None else types & set(_types(s["type"]))
            desc = next((str(s["description"]) for s in subs if s.get("description")), "")
            out.append({"name": f.name, "dtype": hf_dtype(f.type) if not pa.types.is_nested(f.type) else str(f.type),
                        "nullable": bool(types and "null" in types) or f.name not in required, "description": desc})
        return out

    def _resolve(self, ref: str, base: str) -> tuple[dict[str, Any], str]:
        target = urljoin(base, ref)
        doc_uri, frag = urldefrag(target)
        if not doc_uri and ref.startswith("#"):  # (urljoin keeps no base of a scheme such as `urn:`)
            doc_uri = urldefrag(base)[0]
        doc = self.resources.get(doc_uri) if doc_uri else None
        if doc is None:
            raise SchemaFileError(f"{self.path}: cannot resolve $ref {ref!r} locally")
        node: Any = doc
        for part in [p for p in frag.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, doc_uri

    def _effective(self, node: dict[str, Any], base: str) -> dict[str, Any]:
        """Merge `$ref`/`allOf` branches: properties in first-seen order, each a list of subschemas."""
        out: dict[str, Any] = {"properties": {}, "types": None, "required": set()}
        base = urljoin(base, node.get("$id", "")) if "$id" in node else base
        parts: list[tuple[dict[str, Any], str]] = []
        if "$ref" in node:
            parts.append(self._resolve(node["$ref"], base))
        parts += [(s, base) for s in node.get("allOf", []) if isinstance(s, dict)]
        for sub, b in parts:
            eff = self._effective(sub, b)
            for k, v in eff["properties"].items():
                out["properties"].setdefault(k, []).extend(v)
            out["required"] |= eff["required"]
        if isinstance(node.get("required"), list):
            out["required"] |= {r for r in node["required"] if isinstance(r, str)}
        for k, v in node.get("properties", {}).items():
            out["properties"].setdefault(k, []).append(self._inline(v, base))
        return out

    def _inline(self, node: Any, base: str) -> dict[str, Any]:
        """A property subschema with its own `$ref`/`allOf` folded into one dict (types intersected)."""
        if not isinstance(node, dict):
            return {}
        merged = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
        subs = []
        if "$ref" in node:
            target, b = self._resolve(node["$ref"], base)
            subs.append(self._inline(target, b))
        subs += [self._inline(s, base) for s in node.get("allOf", [])]
        for s in subs:
            for k, v in s.items():
                if k == "type" and "type" in merged:
                    merged["type"] = sorted(set(_types(merged["type"])) & set(_types(v)))
                else:
                    _merge(merged, k, v)
        return merged

    def _field(self, name: str, subs: list[dict[str, Any]], where: str) -> pa.Field:
        types: set[str] | None = None
        fmt = None
        merged: dict[str, Any] = {}
        for s in subs:
            if "type" in s:
                t = set(_types(s["type"]))
                types = t if types is None else types & t
            fmt = s.get("format", fmt)
            for k, v in s.items():
                _merge(merged, k, v)
        if not types:
            if "const" in merged or "enum" in merged:
                values = [merged["const"]] if "const" in merged else list(merged["enum"])
                types = {json_type(v) for v in values}
            else:
                raise SchemaFileError(f"{self.path}: cannot derive a column type for {where}: give it a `type`")
        concrete = types - {"null"}
        if "integer" in concrete and "number" in concrete:
            concrete -= {"integer"}
        if len(concrete) != 1:
            raise SchemaFileError(f"{self.path}: {where} allows the types {sorted(concrete)}; a Parquet column "
                                  "needs exactly one (plus null)")
        (kind,) = concrete
        meta = {"description": merged["description"]} if merged.get("description") else None
        # Every column is nullable in Arrow: `datasets` drops non-null flags anyway, and the
        # JSON Schema, not the Parquet type, is what enforces presence.
        return pa.field(name, self._arrow_type(kind, fmt, merged, where), nullable=True, metadata=meta)

    def _arrow_type(self, kind: str, fmt: str | None, node: dict[str, Any], where: str) -> pa.DataType:
        if kind == "string":
            return {"date": pa.date32(), "date-time": pa.timestamp("us", tz="UTC")}.get(fmt or "", pa.string())
        if kind == "boolean":
            return pa.bool_()
        if kind == "integer":
            return pa.int64()
        if kind == "number":
            return pa.float64()
        if kind == "array":
            items = node.get("items")
            if not isinstance(items, dict):
                raise SchemaFileError(f"{self.path}: {where} is an array without an `items` schema")
            return pa.list_(self._field("item", [self._inline(items, self.uri)], f"{where}[]").type)
        if kind == "object":
            props = self._effective(node, self.uri)["properties"]
            if not props:
                raise SchemaFileError(f"{self.path}: {where} is an object without `properties`")
            self._check_names(list(props), where)
            return pa.struct([self._field(k, v, f"{where}.{k}") for k, v in props.items()])
        raise SchemaFileError(f"{self.path}: {where} has type {kind!r}, which has no Parquet column type")

    def _open_objects(self, nodes: list[tuple[Any, str, str]], where: str) -> Iterator[str]:
        """`#/pointer ($.path)` of each object type, among `nodes` (the subschemas of one value, with
        base URI and pointer) and their properties and items, that allows keys no column is derived
        for: none of its `$ref`/`allOf` parts says `additionalProperties: false`. The pointer is the
        part with `properties` (where that keyword goes). The top level (`where == "$"`) is an object
        whatever its `type` says: records are."""
        parts, todo = [], list(nodes)
        while todo:
            node, base, ptr = todo.pop(0)
            if not isinstance(node, dict):
                continue
            base = urljoin(base, node["$id"]) if isinstance(node.get("$id"), str) else base
            parts.append((node, base, ptr))
            if isinstance(node.get("$ref"), str):
                target, uri = self._resolve(node["$ref"], base)
                frag = urldefrag(urljoin(base, node["$ref"]))[1]
                todo.append((target, uri, f"#{frag}" if uri in (self.uri, self.id) else f"{uri}#{frag}"))
            todo += [(s, base, f"{ptr}/allOf/{i}") for i, s in enumerate(node.get("allOf") or [])]
        types: set[str] | None = {"object"} if where == "$" else None
        for node, _, _ in parts:
            if "type" in node:
                types = set(_types(node["type"])) if types is None else types & set(_types(node["type"]))
        if types and "object" in types:
            if not any(n.get("additionalProperties") is False and not n.get("patternProperties") for n, _, _ in parts):
                yield f"{next((p for n, _, p in parts if 'properties' in n), nodes[0][2])} ({where})"
            props: dict[str, list[tuple[Any, str, str]]] = {}
            for node, base, ptr in parts:
                for k, v in (node.get("properties") or {}).items():
                    props.setdefault(k, []).append((v, base, f"{ptr}/properties/{k}"))
            for k, subs in props.items():
                yield from self._open_objects(subs, f"{where}.{k}")
        if types and "array" in types:
            items = [(n["items"], base, f"{ptr}/items") for n, base, ptr in parts if isinstance(n.get("items"), dict)]
            yield from self._open_objects(items, f"{where}[]")

    def _check_names(self, names: list[str], where: str) -> None:
        """Refuse property names some consumer cannot take: the build would exit 0 and write a card
        load_dataset cannot read, or a croissant.json that mlcroissant refuses or misreads."""
        bad = [n for n in names if not NAME.fullmatch(n)]
        if bad:
            raise SchemaFileError(f"{self.path}: the property name(s) {', '.join(map(repr, bad))} at {where}: "
                                  "a name must be 1 to 64 ASCII letters, digits, _ and -, starting with a letter or _, "
                                  "so that the card's YAML, load_dataset, SQL engines and Croissant all take it")
        folded: dict[str, str] = {}
        for n in names:
            if (other := folded.setdefault(n.casefold(), n)) != n:
                raise SchemaFileError(f"{self.path}: the properties {other!r} and {n!r} at {where} differ only by "
                                      "case: SQL engines (DuckDB) take them for one column")
        if where == "$" and (taken := [n for n in names if n.casefold() in RESERVED]):
            raise SchemaFileError(f"{self.path}: a top-level property cannot be named {taken[0]!r}: croissant.json "
                                  "gives each record a `split` field of its own (the shard's split)")

    @cached_property
    def parquet_schema(self) -> pa.Schema:
        """The Arrow schema plus the `huggingface` features metadata that `datasets` reads back."""
        meta = {**(self.arrow_schema.metadata or {}),
                b"huggingface": json.dumps({"info": {"features": self.hf_features}}).encode()}
        return self.arrow_schema.with_metadata(meta)

    @cached_property
    def hf_features(self) -> dict[str, Any]:
        """Hugging Face `Features` as the JSON that `datasets` stores in Parquet metadata."""
        return hf_features_of(self.arrow_schema)


def hf_features_of(schema: pa.Schema) -> dict[str, Any]:
    return {f.name: _hf_feature(f.type) for f in schema}


def nested_values(values: list[Any], typ: pa.DataType) -> list[Any]:
    """Checked JSON values of a list or struct column, with each date or date-time string inside
    converted as a top-level column's is (`write.to_column`): Arrow builds no date from a string
    inside a nested value, so every record with one was a `record.unstorable` reject."""
    return [_nested_value(v, typ) for v in values] if _has_dates(typ) else values


def _has_dates(t: pa.DataType) -> bool:
    if pa.types.is_list(t):
        return _has_dates(t.value_type)
    if pa.types.is_struct(t):
        return any(_has_dates(f.type) for f in t)
    return pa.types.is_date32(t) or pa.types.is_timestamp(t)


def _nested_value(v: Any, t: pa.DataType) -> Any:
    if v is None:
        return None
    if pa.types.is_list(t):
        return [_nested_value(x, t.value_type) for x in v]
    if pa.types.is_struct(t):
        return {f.name: _nested_value(v.get(f.name), f.type) for f in t}
    if pa.types.is_date32(t) or pa.types.is_timestamp(t):
        from .write import to_column

        return to_column([v], t)[0].as_py()
    return v


def _merge(merged: dict[str, Any], key: str, value: Any) -> None:
    """Fold one keyword of another part of a subschema (`$ref`, `allOf`) into `merged`: the first
    value wins, but `properties` of both parts are all kept (a name in both gets an `allOf` of the
    two), so that an object's column has a field for each key any part allows."""
    mine = merged.get(key)
    if key == "properties" and isinstance(mine, dict) and isinstance(value, dict) and mine is not value:
        merged[key] = {**mine, **{k: {"allOf": [mine[k], v]} if k in mine else v for k, v in value.items()}}
    else:
        merged.setdefault(key, value)


def _types(t: Any) -> list[str]:
    return [t] if isinstance(t, str) else list(t)


def hf_dtype(t: pa.DataType) -> str:
    """The `datasets` dtype name of an Arrow scalar type."""
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, tz={t.tz}]" if t.tz else f"timestamp[{t.unit}]"
    return {"bool": "bool", "date32[day]": "date32", "int64": "int64", "double": "float64",
            "string": "string", "large_string": "large_string"}.get(str(t), str(t))


def _hf_feature(t: pa.DataType) -> dict[str, Any]:
    if pa.types.is_list(t):
        return {"feature": _hf_feature(t.value_type), "_type": "List"}
    if pa.types.is_struct(t):
        return {t.field(i).name: _hf_feature(t.field(i).type) for i in range(t.num_fields)}
    return {"dtype": hf_dtype(t), "_type": "Value"}


@functools.lru_cache(maxsize=256)
def _pattern_checker(pattern: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern},
                                       pattern_options=jsonschema_rs.RegexOptions())


def _linear_pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """The `pattern` keyword, matched in linear time (the same engine as the fast path)."""
    from jsonschema import ValidationError

    if not validator.is_type(instance, "string"):
        return
    try:
        ok = _pattern_checker(pattern).is_valid(instance)
    except ValueError:  # a lone surrogate, which the Rust side cannot take: match with U+FFFD in its place
        ok = _pattern_checker(pattern).is_valid(SURROGATE.sub("\ufffd", instance))
    if not ok:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=1)
def _python_formats() -> dict[str, Any]:
    """jsonschema's format checkers (what its FORMAT_CHECKER asserts here) as jsonschema_rs callbacks."""
    import jsonschema

    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER

    def wrap(func: Any, raises: Any) -> Any:
        def check(instance: Any) -> bool:
            try:
                return bool(func(instance))
            except raises:
                return False
        return check

    return {name: wrap(func, raises) for name, (func, raises) in checker.checkers.items()}


@functools.lru_cache(maxsize=256)
def _rs_format_checker(name: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for({"format": name}, validate_formats=True)


def _format(validator: Any, fmt: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """The `format` keyword: jsonschema's checker where it has one, else the compiled validator's."""
    from jsonschema import Draft202012Validator, ValidationError

    if validator.format_checker is None or fmt in validator.format_checker.checkers:
        yield from Draft202012Validator.VALIDATORS["format"](validator, fmt, instance, schema)
        return
    try:
        ok = _rs_format_checker(fmt).is_valid(instance)
    except (ValueError, TypeError, OverflowError):
        ok = not isinstance(instance, str) or _rs_format_checker(fmt).is_valid(SURROGATE.sub("\ufffd", instance))
    if not ok:
        yield ValidationError(f"{instance!r} is not a {fmt!r}")


def _unheld(value: Any, typ: pa.DataType, where: str) -> Iterator[str]:
    """The JSON path of each key in `value` that no field of the struct type `typ` (at any depth) holds."""
    if pa.types.is_struct(typ) and isinstance(value, dict):
        for key, sub in value.items():
            i = typ.get_field_index(key)
            if i < 0:
                yield f"{where}.{key}"
            else:
                yield from _unheld(sub, typ.field(i).type, f"{where}.{key}")
    elif (pa.types.is_list(typ) or pa.types.is_large_list(typ)) and isinstance(value, list):
        for item in value:
            yield from _unheld(item, typ.value_type, f"{where}[]")


def load_schema(path: str | os.PathLike[str] | None = None, *, checked: bool = False) -> Schema:
    """Load and check a schema (default: the bundled one); every `$ref` must resolve locally.

    `checked=True` skips the check against the metaschema (and jsonschema's 0.1 s import): for
    worker processes loading a schema the driver has already checked. The bundled schema is not
    checked either: the test suite checks it (test_the_bundled_schema_is_a_valid_draft_2020_12_schema)."""
    bundled = bundled_schema_path()
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise ConfigError(f"schema: expected a path to a JSON Schema file (or a Schema), got {type(path).__name__}")
    p = Path(path) if path is not None else bundled
    doc, raw = _read_json_bytes(p)  # (one read: the bytes published and hashed are those checked)
    uri = p.resolve().as_uri()
    resources: dict[str, dict[str, Any]] = {}
    bundled_doc = doc if p.resolve() == bundled.resolve() else _read_json(bundled)
    resources[bundled_doc["$id"]] = bundled_doc
    resources[bundled.resolve().as_uri()] = bundled_doc
    own = doc.get("$id", uri)
    resources[own] = doc
    resources[uri] = doc
    checked = checked or p.resolve() == bundled.resolve()
    if not checked:
        _check_dialect(doc, p)
    pending: list[tuple[dict[str, Any], str, Path]] = [(doc, own, p)]
    while pending:
        node, base, where = pending.pop()
        for ref in _refs(node):
            target = urldefrag(urljoin(base, ref))[0]
            if not target or target in resources:
                continue
            from urllib.request import url2pathname  # (imports http and email: only for a $ref)

            sub: dict[str, Any] | None = None
            if urlparse(target).scheme == "file":
                local = Path(url2pathname(urlparse(target).path))
            else:  # under the `$id` of the schema that refers to it: the file at that path beside the schema
                home = base.rsplit("/", 1)[0] + "/"
                rel = target[len(home):] if urlparse(base).scheme != "file" and target.startswith(home) else None
                local = where.parent / url2pathname(rel) if rel else Path()
                if not rel or not local.is_file():
                    raise SchemaFileError(f"{where}: $ref {ref!r} points to {target}, which is not a local file or "
                                          "the bundled schema; newsset never fetches schemas over the network (a "
                                          "$ref relative to the schema's own $id is read from beside the schema "
                                          f"file{f', as {local}, which does not exist' if rel else ''})")
                sub = resources[local.resolve().as_uri()] = _read_json(local)  # (a build publishes it: companions)
            if sub is None:
                sub = _read_json(local)
            if not checked:
                _check_dialect(sub, local)
            resources[target] = sub
            if "$id" in sub:
                resources[sub["$id"]] = sub
            pending.append((sub, sub.get("$id", target), local))
    schema = Schema(doc=copy.deepcopy(doc), path=p, uri=uri, sha256=hashlib.sha256(raw).hexdigest(),
                    resources=resources, raw=raw)
    _ = schema.arrow_schema  # derive now, so a schema without column types fails at load (exit 2)
    return schema


def _check_dialect(doc: dict[str, Any], path: Path) -> None:
    import jsonschema

    dialect = doc.get("$schema", DIALECT)
    if dialect.rstrip("#") != DIALECT:
        raise SchemaFileError(f"{path}: expected a Draft 2020-12 schema (`$schema: {DIALECT}`), got {dialect!r}")
    try:
        jsonschema.Draft202012Validator.check_schema(doc)
    except jsonschema.SchemaError as e:
        where = "/".join(map(str, e.absolute_path)) or "(root)"
        raise SchemaFileError(f"{path}: not a valid JSON Schema at {where}: {e.message}") from None


def issue_code(keyword: str) -> str:
    """The issue code for a failed JSON Schema keyword."""
    code = f"schema.{keyword}"
    return code if code in CODES else "schema.other"
