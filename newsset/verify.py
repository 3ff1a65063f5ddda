"""`newsset verify`: check a built dataset folder as a consumer would, before trusting it.

Nothing in a dataset folder stops a flipped byte, a shard dropped into `data/` by hand or a card
edited after the build, and each silently changes what `load_dataset` returns. So every file is
checked against `manifest.json`, and the card and Croissant metadata against the files. A problem
is an `Issue` naming the file; checks carry on after one, so a single run reports everything.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq

from .cardcheck import Shard, card_problems, describe_value, front_matter, kind_name
from .errors import ConfigError, Issue, NewssetError, check_option_types, display_path, visible
from .sources import METADATA_MAX_BYTES, read_small_file, safe_rel
from .stats import UNREADABLE_LINE, count_reject_codes
from .write import sha256_file

__all__ = ["VerifyReport", "render_verify_text", "verify", "not_a_file", "verify_dataset"]

# The JSON type of each key newsset writes. Another type is a hand edit or another tool's file, and
# the checks below would misread it: such a key is reported and then left out. Keys may be absent.
_MANIFEST_KEYS: dict[str, type] = {
    "newsset_version": str, "schema": dict, "options": dict, "split": dict, "leakage": dict, "inputs": dict,
    "configs": dict, "tasks": dict, "files": list, "rejects": dict, "metadata_files": list, "card": dict}
_SCHEMA_KEYS: dict[str, type] = {"id": str, "sha256": str, "path": str}
_FILE_KEYS: dict[str, type] = {"path": str, "bytes": int, "rows": int, "sha256": str}
_SHARD_KEYS: dict[str, type] = {**_FILE_KEYS, "split": str, "config": str}  # config alone may be absent
_EXACT_DUPLICATES = frozenset({"dataset.duplicate-id", "dataset.duplicate-body"})  # inputs.duplicates counts these
_METADATA_KEYS: dict[str, type] = {"path": str, "bytes": int, "sha256": str}
_CARD = "README.md"


@dataclass
class VerifyReport:
    """Every problem found in one dataset folder, plus notes on checks that could not run."""

    path: str
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_checked: int = 0
    loaded: bool = False  # load_dataset was run for every config and agreed with the manifest

    @property
    def ok(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _columns(schema: pa.Schema) -> list[tuple[str, pa.DataType]]:
    """Names and types only: metadata and nullability do not change what readers get."""
    return [(f.name, f.type) for f in schema]


def _schema_diff(expected: pa.Schema, got: pa.Schema) -> str:
    want, have = _columns(expected), _columns(got)
    lacks = [f"{n}: {t}" for n, t in want if (n, t) not in have]
    extra = [f"{n}: {t}" for n, t in have if (n, t) not in want]
    if not lacks and not extra:
        return "the same columns in another order"
    return f"expected {', '.join(lacks) or 'no other column'}; got {', '.join(extra) or 'no other column'}"


def _wrong_keys(obj: dict[str, Any], keys: dict[str, type], required: Collection[str]) -> dict[str, str]:
    """Each of `keys` whose value in `obj` is not of its JSON type (or is missing, when required), with
    what was expected and found."""
    out = {}
    for k, t in keys.items():
        v = obj.get(k)
        if k not in obj and k not in required:
            continue
        if not isinstance(v, t) or isinstance(v, bool) or (isinstance(v, int) and v < 0):
            out[k] = f"`{k}` should be {kind_name(t)}, found {describe_value(v) if k in obj else 'nothing'}"
    return out


@functools.cache
def _manifest_validator() -> Any:
    """The validator of `schemas/manifest.schema.json` (local `#` refs only: nothing is fetched)."""
    from jsonschema import Draft202012Validator

    from .schema import bundled_schema_path

    path = bundled_schema_path().with_name("manifest.schema.json")
    return Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


# Where the checks of `_Verifier.manifest` and `check_counts` already say what is wrong (and leave
# the value out): the schema's errors there would say it twice.
_CHECKED_ELSEWHERE = (("schema",), ("files",), ("rejects",), ("metadata_files",))


def _manifest_type_errors(m: dict[str, Any]) -> list[str]:
    """Each value of manifest.json that is not of the type newsset writes (`manifest.schema.json`),
    located by its path (`inputs.files`, `configs.default.train`), with what it should be."""
    out = []
    for e in sorted(_manifest_validator().iter_errors(m), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(e.absolute_path)
        if len(path) < 2 or any(path[:len(c)] == c for c in _CHECKED_ELSEWHERE):
            continue  # (a top-level key of the wrong type: `_wrong_keys` says so)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" if re.fullmatch(r"[A-Za-z_][\w-]*", p)
                        else f"[{json.dumps(p, ensure_ascii=False)}]" for p in path).lstrip(".")
        sch = e.schema if isinstance(e.schema, dict) else {}
        out.append(f"{where} should be {_expected(str(e.validator), sch)}, found {describe_value(e.instance)}")
    return out


def _expected(keyword: str, sch: dict[str, Any]) -> str:
    """What a manifest value should be, in words, from the part of the schema it failed."""
    if keyword == "enum":
        return "one of " + ", ".join(json.dumps(v) for v in sch["enum"])
    if keyword == "pattern":
        return f"a string matching {sch['pattern']}"
    if keyword == "oneOf":
        return "a number from 0 to 1, or null"
    types = sch.get("type", [])
    kinds: list[str] = []
    for t in types if isinstance(types, list) else [types]:
        kinds.append({"integer": "a whole number" + (" of at least 0" if sch.get("minimum") == 0 else ""),
                      "number": "a number from 0 to 1" if sch.get("maximum") == 1 else "a number",
                      "string": "a string", "object": "an object", "array": "a list", "boolean": "true or false",
                      "null": "null"}.get(t, str(t)))
    return " or ".join(kinds) if kinds else f"valid ({keyword})"


class _Verifier:
    def __init__(self, root: Path) -> None:
        self.root, self.report = root, VerifyReport(str(root))
        self.doc: dict[str, Any] = {}
        self.card_text: str | None = None
        self.shards: list[Shard] = []
        self.metadata: list[dict[str, Any]] = []  # the well-formed entries of manifest.json's metadata_files
        self.schemas: dict[str, pa.Schema] = {}
        self._sha: dict[str, str] = {}
        self._checked: set[str] = set()  # (a file read twice, the card's YAML and its text, counts once)

    def checked(self, rel: str) -> None:
        """Count a file as checked: found and read."""
        self._checked.add(rel)
        self.report.files_checked = len(self._checked)

    def problem(self, code: str, rel: str, message: str, expected: Any = None, got: Any = None) -> None:
        expected, got = (None if x is None else str(x) for x in (expected, got))
        self.report.issues.append(Issue(code, message, path=str(self.root / rel), expected=expected, got=got))

    def sha(self, rel: str) -> str:
        if rel not in self._sha:
            self._sha[rel] = sha256_file(self.root / rel)
        return self._sha[rel]

    def read(self, rel: str, code: str, missing: str = "verify.missing-file") -> str | None:
        """The text of a metadata file, counted as checked; a problem when it is missing or unreadable."""
        try:
            text = read_small_file(self.root / rel, METADATA_MAX_BYTES).decode("utf-8")
        except FileNotFoundError:
            self.problem(missing, rel, f"{rel} is missing")
            return None
        except OSError as e:
            if e.errno in (errno.EINVAL, errno.EFBIG):  # a device, FIFO or folder; a file over the cap
                what = "not a regular file" if e.errno == errno.EINVAL else f"too large ({e.strerror})"
                self.problem(code, rel, f"{rel} is {what}: a newsset metadata file is a regular file of at "
                             f"most {METADATA_MAX_BYTES >> 20} MiB, not read")
            else:
                self.problem(code, rel, f"cannot read {rel}: {e.strerror or e}")
            return None
        except UnicodeDecodeError as e:
            self.problem(code, rel, f"cannot read {rel}: {e}")
            return None
        self.checked(rel)
        return text

    def read_json(self, rel: str, code: str, missing: str = "verify.missing-file") -> dict[str, Any] | None:
        """The JSON object in a metadata file; None, with the problem reported, for anything else."""
        try:
            doc = None if (text := self.read(rel, code, missing)) is None else json.loads(text)
        except ValueError as e:
            self.problem(code, rel, f"not valid JSON: {e}")
            return None
        except RecursionError:  # (JSON nested deeper than the parser's stack: no file newsset writes)
            self.problem(code, rel, "not valid JSON for a dataset: nested too deeply to read")
            return None
        if text is not None and not isinstance(doc, dict):
            found = describe_value(doc)
            self.problem(code, rel, f"{rel} should hold a JSON object, found {found}", "an object", found)
        return doc if isinstance(doc, dict) else None

    def manifest(self) -> list[dict[str, Any]] | None:
        """The listed files whose entries make sense (shards and rejects); None without a usable manifest.
        Every value the checks read is type-checked here first, so an odd manifest is a problem, not a crash."""
        if (m := self.read_json("manifest.json", "verify.manifest", "verify.manifest")) is None:
            return None
        for message in (bad := _wrong_keys(m, _MANIFEST_KEYS, required={"files"})).values():
            self.problem("verify.manifest", "manifest.json", message)
        for message in _manifest_type_errors(m):
            self.problem("verify.manifest", "manifest.json", message)
        self.doc = {k: v for k, v in m.items() if k not in bad}
        if "files" not in self.doc:
            return None
        if bad_schema := _wrong_keys(self.doc.get("schema") or {}, _SCHEMA_KEYS, required=()):
            self.problem("verify.manifest", "manifest.json", f"schema: {'; '.join(bad_schema.values())}")
            del self.doc["schema"]
        entries, seen = [], set()
        listed = [(f"files[{i}]", e, _SHARD_KEYS) for i, e in enumerate(self.doc["files"])]
        listed += [("rejects", self.doc["rejects"], _FILE_KEYS)] if "rejects" in self.doc else []
        listed += [(f"metadata_files[{i}]", e, _METADATA_KEYS)
                   for i, e in enumerate(self.doc.get("metadata_files", []))]
        for where, e, keys in listed:
            wrong = (_wrong_keys(e, keys, required=set(keys) - {"config"}).values() if isinstance(e, dict) else
                     [f"should be an object, found {describe_value(e)}"])
            if wrong:
                self.problem("verify.manifest", "manifest.json", f"{where}: {'; '.join(wrong)}")
            elif not safe_rel(e["path"]):
                self.problem("verify.manifest", "manifest.json", f"{where}: {e['path']!r} should be a relative "
                             "path inside the folder")
            elif e["path"] in seen:
                self.problem("verify.manifest", "manifest.json", f"{where}: {e['path']!r} is listed twice")
            elif keys is _METADATA_KEYS:
                seen.add(e["path"])
                self.metadata.append(e)
            else:
                seen.add(e["path"])
                entries.append(e)
                if keys is _SHARD_KEYS:
                    self.shards.append(Shard(e["path"], e.get("config") or "default", e["split"], e["rows"]))
        return entries

    def check_counts(self) -> None:
        """The manifest's own totals agree with each other and with its files: an edit that hides
        the rejects (or adds rows) must not pass, since `stats` and the card report these numbers."""
        doc = self.doc
        inputs: dict[str, Any] = doc["inputs"] if isinstance(doc.get("inputs"), dict) else {}

        def number(d: Any, key: str) -> int | None:
            v = d.get(key) if isinstance(d, dict) else None
            return v if isinstance(v, int) and not isinstance(v, bool) else None

        items, accepted, rejected = (number(inputs, k) for k in ("items", "accepted", "rejected"))
        by_code = inputs.get("rejected_by_code")
        if "inputs" in doc:  # newsset writes them all: one gone (or null) is an edit that would hide the rest
            for key in ("items", "accepted", "rejected", "rejected_by_code"):  # (wrong types: _manifest_type_errors)
                if key not in inputs:
                    self.problem("verify.manifest", "manifest.json", f"inputs.{key} should be "
                                 f"{'an object of counts' if key == 'rejected_by_code' else 'a count'}, found nothing")
        checks: list[tuple[str, int | None, int | None]] = [
            ("inputs.items = inputs.accepted + inputs.rejected", items,
             accepted + rejected if accepted is not None and rejected is not None else None),
            ("inputs.rejected = rejects.rows", rejected, number(doc.get("rejects"), "rows")),
            ("inputs.rejected = the sum of inputs.rejected_by_code", rejected,
             sum(v for v in by_code.values() if isinstance(v, int)) if isinstance(by_code, dict) else None)]
        configs: dict[str, Any] = doc["configs"] if isinstance(doc.get("configs"), dict) else {}
        default = configs.get("default")
        if isinstance(default, dict):
            checks.append(("inputs.accepted = the rows of the default config", accepted,
                           sum(v for v in default.values() if isinstance(v, int))))
        for config, splits in configs.items():
            for split in (splits if isinstance(splits, dict) else ()):
                listed = sum(s.rows for s in self.shards if s.config == config and s.split == split)
                checks.append((f"configs.{config}.{split} = the rows of its shards", number(splits, split), listed))
        if isinstance(by_code, dict):
            exact = [v for k, v in by_code.items() if k in _EXACT_DUPLICATES and isinstance(v, int)]
            checks.append(("inputs.duplicates = the dataset.duplicate-id and -body counts of inputs.rejected_by_code",
                           number(inputs, "duplicates"), sum(exact)))
        split = doc.get("split")
        stats = split.get("splits") if isinstance(split, dict) else None
        if isinstance(default, dict) and isinstance(stats, dict):
            for name, st in stats.items():
                checks.append((f"split.splits.{name}.rows = the rows of the default config's {name} shards",
                               number(st, "rows"), number(default, name) or 0))
        for what, left, right in checks:
            if left is not None and right is not None and left != right:
                self.problem("verify.manifest", "manifest.json", f"{what}, but {left} != {right} (edited by hand?)",
                             right, left)
        if isinstance(by_code, dict):
            self.check_reject_codes(by_code)

    def check_reject_codes(self, by_code: dict[str, Any]) -> None:
        """inputs.rejected_by_code counts the codes of rejects.jsonl (whose bytes its sha256 vouches for):
        moving a count from one code to another keeps every total, and still misreports the inputs."""
        rejects = self.doc.get("rejects")
        rel = rejects.get("path") if isinstance(rejects, dict) else None
        if not (isinstance(rel, str) and safe_rel(rel) and (path := self.root / rel).is_file()):
            return  # (missing or unlisted: reported by the file checks)
        try:
            counted = count_reject_codes(path)
        except OSError:
            return  # (an unreadable file: the file checks say so)
        if UNREADABLE_LINE in counted:
            return  # (an edited file: its sha256 check says so)
        wrong = sorted(set(counted) | {k for k, v in by_code.items() if v}, key=str)
        wrong = [k for k in wrong if by_code.get(k, 0) != counted.get(k, 0)]
        if wrong:
            shown = ", ".join(f"{k} {by_code.get(k, 0)} != {counted.get(k, 0)}" for k in wrong[:5])
            self.problem("verify.manifest", "manifest.json", f"inputs.rejected_by_code should count the codes of "
                         f"{rel}, but {shown} (edited by hand?)")

    def check_file(self, e: dict[str, Any]) -> None:
        """Existence, size, sha256 and rows of one listed file; a shard's footer schema is kept for later."""
        rel, path = e["path"], self.root / e["path"]
        if not _is_file(path):
            what = not_a_file(path)
            self.problem("verify.missing-file", rel, f"listed in manifest.json but {what}" if what else
                         "listed in manifest.json but missing")
            return
        self.checked(rel)
        if (size := path.stat().st_size) != e["bytes"]:
            self.problem("verify.size", rel, f"{size} bytes, manifest.json says {e['bytes']}", e["bytes"], size)
        elif self.sha(rel) != e["sha256"]:
            self.problem("verify.checksum", rel, "sha256 differs from manifest.json", e["sha256"], self.sha(rel))
        rows = _count_lines(path) if rel.endswith(".jsonl") else None
        if rel.endswith(".parquet"):
            try:
                md = pq.read_metadata(os.path.abspath(path))  # (a relative `ds-12:30/...` reads as a URI)
                self.schemas[rel], rows = md.schema.to_arrow_schema(), md.num_rows
            except (pa.ArrowException, OSError, ValueError) as err:
                self.problem("verify.footer", rel, f"the Parquet footer cannot be read (truncated?): "
                             f"{' '.join(str(err).split())}")  # (Arrow's message may end in a newline)
        if rows is not None and rows != e["rows"]:
            self.problem("verify.rows", rel, f"{rows} row(s), manifest.json says {e['rows']}", e["rows"], rows)

    def expected_schema(self) -> pa.Schema | None:
        """The default config's columns, derived from the JSON Schema the build used, when we can tell which."""
        from .schema import load_schema

        want = self.doc["schema"] if isinstance(self.doc.get("schema"), dict) else {}
        if (self.root / "schema.json").is_file():
            self.checked("schema.json")
            try:
                sch = load_schema(self.root / "schema.json")
            except NewssetError as err:
                self.problem("verify.schema", "schema.json", f"schema.json cannot be loaded: {err}")
                return None
            if want.get("sha256") not in (None, sch.sha256):
                self.report.notes.append("schema.json's sha256 differs from the schema manifest.json names; "
                                         "shards were compared with schema.json")
            return sch.arrow_schema
        if want.get("id") == (bundled := load_schema()).id:
            return bundled.arrow_schema
        self.report.notes.append(f"no schema.json, and the manifest's schema {want.get('id')!r} is not the "
                                 "bundled one: shards were only compared with each other")
        return None

    def check_schemas(self, expected: pa.Schema | None) -> None:
        by_config: dict[str, list[str]] = {}
        for s in [s for s in self.shards if s.rel in self.schemas]:
            by_config.setdefault(s.config, []).append(s.rel)
        for config, rels in by_config.items():
            ref = expected if config == "default" and expected is not None else self.schemas[rels[0]]
            against = f"{rels[0]} (config {config!r})" if ref is not expected else "the JSON Schema"
            for rel in rels:
                if _columns(got := self.schemas[rel]) != _columns(ref):
                    self.problem("verify.schema", rel, f"columns differ from {against}: {_schema_diff(ref, got)}",
                                 ref.remove_metadata(), got.remove_metadata())

    def front_matter(self) -> dict[str, Any] | None:
        if (text := self.read(_CARD, "verify.card")) is None:
            return None
        self.card_text = text
        meta, wrong = front_matter(text)
        if wrong is not None:
            self.problem("verify.card", _CARD, wrong)
        return meta

    def check_card_text(self) -> None:
        """The card below its YAML is what the build wrote, outside the user section and the charts:
        its tables (rows, fields, rejects) and its license text are read on the Hub, not the manifest."""
        want = self.doc.get("card", {}).get("generated_sha256") if isinstance(self.doc.get("card"), dict) else None
        if want is None or self.card_text is None:  # (a build before newsset recorded it)
            return
        from .card import card_digest

        if card_digest(self.card_text) != want:
            self.problem("verify.card", _CARD, "the card's text below its YAML is not what the build wrote (its "
                         "tables or sections were edited outside the `newsset:user-start`/`user-end` markers): "
                         "rebuild to regenerate it; hand-written notes belong between the markers, which a "
                         "rebuild keeps")

    def check_card(self, meta: dict[str, Any]) -> None:
        """The card's YAML against the shards (`cardcheck`)."""
        options = (self.doc or {}).get("options")
        built = options.get("license") if isinstance(options, dict) else None
        for message, expected, got in card_problems(meta, self.shards, built if isinstance(built, str) else None,
                                                     self.config_schema):
            self.problem("verify.card", _CARD, message, expected, got)

    def config_schema(self, config: str) -> pa.Schema | None:
        """The columns of a config's shards (the first readable one: check_schemas compares the rest)."""
        return next((self.schemas[s.rel] for s in self.shards if s.config == config and s.rel in self.schemas), None)

    def check_unlisted(self, listed: set[str]) -> None:
        for p in sorted(self.root.rglob("*.parquet")):
            if (rel := p.relative_to(self.root).as_posix()) not in listed:
                self.problem("verify.unlisted-file", rel, "not listed in manifest.json, yet data_files globs read it")
        # The folders of the shards are read whole by pandas, pyarrow.dataset and polars (which skip
        # names starting with "." or "_", as pyarrow does): any other file there breaks them.
        folders = {"data"} | {rel.rsplit("/", 1)[0] for rel in listed if rel.endswith(".parquet") and "/" in rel}
        for folder in sorted(f for f in folders if _is_file(self.root / f, Path.is_dir)):
            for p in sorted((self.root / folder).rglob("*")):
                rel = p.relative_to(self.root).as_posix()
                hidden = any(part[:1] in "._" for part in p.relative_to(self.root / folder).parts)
                if p.is_file() and not rel.endswith(".parquet") and rel not in listed and not hidden:
                    self.problem("verify.unlisted-file", rel, f"not listed in manifest.json, in {folder}/ beside "
                                 "the shards: readers of the whole folder (pandas, pyarrow.dataset, polars) fail on "
                                 "a file that is not Parquet, and the card's globs may read it")
        for folder, why in _METADATA_FOLDERS.items():
            self._unlisted_in(folder, listed, why)

    def _unlisted_in(self, folder: str, listed: set[str], why: str) -> None:
        """Every entry under `folder` (hidden ones and links too) that manifest.json does not list."""
        if not _is_file(self.root / folder, Path.is_dir):
            return
        for p in sorted((self.root / folder).rglob("*")):
            rel = p.relative_to(self.root).as_posix()
            if (p.is_symlink() or not p.is_dir()) and rel not in listed and not rel.endswith(".parquet"):
                self.problem("verify.unlisted-file", rel, f"not listed in manifest.json, in {folder}/, {why}")

    def check_empty(self) -> None:
        if not self.shards and next(self.root.rglob("*.parquet"), None) is None:
            self.problem("verify.empty", "data", "no Parquet shard in the folder: load_dataset would read the "
                         "metadata files as rows, and every Parquet reader fails", expected="at least one shard",
                         got="none")

    def check_croissant(self) -> None:
        if (doc := self.read_json(cr := "croissant.json", "verify.croissant")) is None:
            return
        if not isinstance(dist := doc.get("distribution", []), list):
            self.problem("verify.croissant", cr, f"`distribution` should be a list, found {describe_value(dist)}")
            dist = []
        objs = [o for o in dist if isinstance(o, dict) and o.get("@type") == "cr:FileObject"]
        for url, want in [(o.get("contentUrl"), o.get("sha256")) for o in objs]:
            if not isinstance(url, str) or not safe_rel(url):
                self.problem("verify.croissant", cr, f"a FileObject's contentUrl {url!r} is not inside the folder")
            elif not _is_file(self.root / url):
                self.problem("verify.croissant", cr, f"FileObject {url} is missing")
            elif want != self.sha(url):
                self.problem("verify.croissant", cr, f"FileObject {url}: sha256 does not match the file",
                             want, self.sha(url))
        named = {url for o in objs if isinstance(url := o.get("contentUrl"), str)}
        for s in self.shards:
            if s.rel not in named:
                self.problem("verify.croissant", cr, f"no FileObject for {s.rel}")

    def check_metadata_files(self) -> None:
        """schema.json, croissant.json, lm_eval/*.yaml and images/*.png: present and unchanged since the build."""
        for e in self.metadata:
            if not _is_file(self.root / e["path"]):
                self.problem("verify.missing-file", e["path"], "listed in manifest.json but missing")
                continue
            self.checked(e["path"])
            if (size := (self.root / e["path"]).stat().st_size) != e["bytes"]:
                self.problem("verify.size", e["path"], f"{size} bytes, manifest.json says {e['bytes']}", e["bytes"],
                             size)
            elif self.sha(e["path"]) != e["sha256"]:
                self.problem("verify.checksum", e["path"], "sha256 differs from manifest.json", e["sha256"],
                             self.sha(e["path"]))
            elif e["path"].startswith("lm_eval/") and e["path"].endswith(".yaml"):
                self._check_lm_eval_path(e["path"])

    def _check_lm_eval_path(self, rel: str) -> None:
        """The harness reads the folder the YAML names, which is where it was built: after a move, say so."""
        m = re.search(r"^dataset_path: (.*)$", (self.root / rel).read_text(encoding="utf-8", errors="replace"), re.M)
        try:
            value = json.loads(m.group(1)) if m else None
            named = Path(value) if isinstance(value, str) and value else None
            here = named is not None and named.exists() and named.resolve() == self.root.resolve()
        except (ValueError, OSError, RecursionError):  # not JSON, or a path the OS refuses: no folder to read
            named, here = None, False
        if named is not None and not here:
            self.report.notes.append(f"{rel} names {named} (where the dataset was built) as its dataset_path: "
                                     "lm-evaluation-harness would read that folder, not this one; rebuild here to "
                                     "point it at this folder")

    def load(self) -> None:
        """Load every config with `datasets`, offline, into a throwaway cache, and compare split sizes."""
        import datasets
        from huggingface_hub import constants

        cache, bars = tempfile.mkdtemp(prefix="newsset-verify-"), datasets.is_progress_bar_enabled()
        datasets.disable_progress_bars()  # the flags below are read at import, so they are patched as well
        try:
            with mock.patch.dict(os.environ, {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}), \
                    mock.patch.object(datasets.config, "HF_DATASETS_OFFLINE", True), \
                    mock.patch.object(datasets.config, "HF_HUB_OFFLINE", True), \
                    mock.patch.object(constants, "HF_HUB_OFFLINE", True):
                for config in sorted({s.config for s in self.shards}):
                    try:
                        # (absolute: `datasets` names a dataset by the path's last part, and "." has none)
                        ds = datasets.load_dataset(os.path.abspath(self.root), config, cache_dir=cache)
                    except Exception as err:  # whatever fails here is what a consumer would hit
                        glob_chars = any(c in str(self.root.absolute()) for c in "[]")
                        why = (" (the folder's path holds '[' or ']', which datasets reads as a glob pattern: move "
                               "or rename the folder)" if glob_chars else "")
                        if _no_space(err):  # (the dataset is not at fault: the check's room is)
                            why = (f" (no room for the check's temporary copy in {tempfile.gettempdir()}: it takes "
                                   "a few times the dataset's size; set TMPDIR to a folder with room, or skip the "
                                   "check with --no-load)")
                        self.problem("verify.load", "", f"load_dataset(.., {config!r}): {type(err).__name__}: "
                                     f"{err}{why}")
                        continue
                    for split in sorted({s.split for s in self.shards if s.config == config}):
                        want = sum(s.rows for s in self.shards if (s.config, s.split) == (config, split))
                        if (got := ds[split].num_rows if split in ds else None) != want:
                            self.problem("verify.load", "", f"load_dataset(.., {config!r}) gives {split} {got} "
                                         f"row(s), manifest.json {want}", want, got)
                        elif (ref := self.config_schema(config)) is not None and \
                                _columns(cols := ds[split].data.schema) != _columns(ref):
                            self.problem("verify.load", "", f"load_dataset(.., {config!r}) gives {split} other "
                                         f"columns than its shards hold: {_schema_diff(ref, cols)}",
                                         ref.remove_metadata(), cols.remove_metadata())
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            if bars:
                datasets.enable_progress_bars()
        self.report.loaded = not any(i.code == "verify.load" for i in self.report.issues)


# Folders where newsset writes only files it lists in `metadata_files`, and why a stray one matters.
_METADATA_FOLDERS = {
    "lm_eval": "where newsset writes only the task YAMLs it lists: lm-evaluation-harness loads every YAML in "
               "the folder (and a YAML can run Python with `!function`)",
    "images": "where newsset writes only the charts it lists: the card or a Hub upload would show a file nobody "
              "checked"}


def _is_file(path: Path, test: Callable[[Path], bool] = Path.is_file) -> bool:
    """`Path.is_file` (or `test`), but False for a path the OS refuses (too long), as for one not there."""
    try:
        return test(path)
    except OSError:
        return False


def not_a_file(path: Path) -> str | None:
    """What stands at `path` when something does but it is no regular file (None when nothing does)."""
    import stat

    try:
        mode = path.stat().st_mode  # (through a link: a link to a FIFO or device is one)
    except OSError:
        return "a broken symbolic link" if _is_file(path, Path.is_symlink) else None
    kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"
    return f"{kind}, not a regular file"


def _count_lines(path: Path) -> int:
    """Lines of a file whose lines end at `\n` (a last line without one counts), in bounded memory."""
    n, last = 0, b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def verify(path: str | os.PathLike[str], *, load: bool = True) -> VerifyReport:
    """Check a built dataset folder; `load=False` skips the slow `load_dataset` round trip. No folder
    at `path` is a `ConfigError` (a usage error, as for the other commands' inputs), not a damaged dataset."""
    check_option_types([("path", path, (str, os.PathLike), "a path to a dataset folder")])
    if not os.path.isdir(path):
        raise ConfigError(f"expected a dataset folder, got a file: {display_path(os.fspath(path))}"
                          if os.path.exists(path) else f"dataset folder not found: {display_path(os.fspath(path))}")
    v = _Verifier(Path(path))
    before = _state(Path(path))
    report = _verify(v, load)
    if before != _state(Path(path)) or before[1]:  # (read while a build wrote or swapped the folder)
        report.notes.append("a newsset build was writing this folder while verify read it: what it found may mix "
                            "the old dataset and the new one; verify again when the build is done")
    return report


def _state(root: Path) -> tuple[tuple[int, int] | None, bool]:
    """(the folder's identity: a build's publish swaps in a new folder, whether a build holds its lock)."""
    import fcntl

    from .publish import lock_path

    try:
        st = os.stat(root)
        ident: tuple[int, int] | None = (st.st_dev, st.st_ino)
    except OSError:
        ident = None
    try:
        fd = os.open(lock_path(root), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return ident, False  # (no lock file: no build has written here, or it is not ours to read)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ident, False
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # (released at once: a build starting now may wait on
        fcntl.flock(fd, fcntl.LOCK_UN)                  #  it only for this instant)
        return ident, False
    except OSError as e:
        return ident, e.errno in (errno.EAGAIN, errno.EACCES)
    finally:
        os.close(fd)


def _verify(v: _Verifier, load: bool) -> VerifyReport:
    if (entries := v.manifest()) is None:
        v.report.notes.append("without a readable manifest.json nothing else can be checked")
        return v.report
    for e in entries:
        v.check_file(e)
    v.check_counts()
    v.check_schemas(v.expected_schema())
    if (meta := v.front_matter()) is not None:
        v.check_card(meta)
        v.check_card_text()
    v.check_unlisted({e["path"] for e in entries + v.metadata})
    v.check_empty()
    v.check_metadata_files()
    blocked = bool(v.report.issues)  # load_dataset does not read croissant.json, so it does not block loading
    v.check_croissant()
    skip = "turned off" if not load else "fix the problems above first" if blocked else None
    if skip:
        v.report.notes.append(f"load_dataset was not tried: {skip}")
    else:
        v.load()
    return v.report


def _no_space(err: BaseException | None) -> bool:
    """Whether a disk that filled up is behind `err` (datasets wraps it in errors of its own)."""
    seen = 0
    while err is not None and seen < 20:
        if getattr(err, "errno", None) == errno.ENOSPC or "No space left on device" in str(err):
            return True
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


verify_dataset = verify  # (the package's name for it: `newsset.verify` is this module)


def render_verify_text(report: VerifyReport) -> str:
    """One `path: error[code]: message` line per problem (with its hint), the notes, then a summary line."""
    lines = []
    for i in report.issues:
        lines += [visible(f"{i.path}: {i.severity}[{i.code}]: {i.message}"), visible(f"   = hint: {i.hint}")]
    lines += [visible(f"note: {n}") for n in report.notes]
    status = "ok" if report.ok else f"{len(report.issues)} problem(s)"
    lines.append(f"verified {report.files_checked} file(s): {status}")
    return "\n".join(lines) + "\n"
