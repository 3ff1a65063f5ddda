"""Task configs: NLP views of the records (rename, filter), declared as data in TOML.

A task is a projection of the default config: the same splits, some records left out, columns
renamed. Because it is data, a user adds a task with a TOML file and no code.
"""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .errors import ConfigError
from .sources import read_small_file

__all__ = ["Task", "bundled_tasks", "load_tasks", "lm_eval_yaml", "yaml_quote"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RESERVED = {"default", "data", "lm_eval", "images"}  # the folders a build writes besides the tasks


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    columns: dict[str, str]
    require: tuple[str, ...] = ()
    untruncated: bool = False
    prompt: str = ""
    target: str = ""

    def check(self, fields: list[str], where: str) -> None:
        missing = [f for f in dict.fromkeys((*self.columns.values(), *self.require)) if f not in fields]
        if missing:
            raise ConfigError(f"{where}: task {self.name!r} uses field(s) {missing} that the schema does not define")
        if self.untruncated and "truncated" not in fields:
            raise ConfigError(f"{where}: task {self.name!r} sets untruncated but the schema has no `truncated` field")

    def schema(self, source: pa.Schema) -> pa.Schema:
        return pa.schema([pa.field(out, source.field(src).type) for out, src in self.columns.items()])

    def view(self, batch: pa.RecordBatch, allow_truncated: bool = False) -> pa.RecordBatch:
        """The task's rows and columns of a batch of full records."""
        mask = None
        for f in self.require:
            col = batch.column(f)
            m = pc.is_valid(col)
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                # Nor empty: a record file from a tool that writes "" for null (`fillna("")`, a CSV
                # round trip) would give a summary or headline to learn of nothing.
                m = pc.and_(m, pc.greater(pc.fill_null(pc.binary_length(col), 0), 0))
            mask = m if mask is None else pc.and_(mask, m)
        if self.untruncated and not allow_truncated:
            m = pc.invert(pc.fill_null(batch.column("truncated"), False))
            mask = m if mask is None else pc.and_(mask, m)
        view = pa.record_batch([batch.column(src) for src in self.columns.values()], names=list(self.columns))
        return view.filter(mask) if mask is not None else view  # only the task's columns are copied


_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # a column every reader (datasets, SQL, pandas) takes
TASKS_MAX_BYTES = 1 << 20


_KEYS = frozenset({"description", "columns", "require", "untruncated", "prompt", "target"})


def _template_error(text: str) -> str | None:
    """Why a prompt or target is no Jinja template (the harness would fail on it at evaluation time,
    long after the build): Jinja's own parser when it is installed, else unbalanced delimiters."""
    try:
        import jinja2
    except ImportError:
        for op, cl in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
            if text.count(op) != text.count(cl):
                return f"{text.count(op)} `{op}` but {text.count(cl)} `{cl}`"
        return None
    try:
        jinja2.Environment().parse(text)
    except jinja2.TemplateSyntaxError as e:
        return f"{e.message} (line {e.lineno})"
    return None


_TEMPLATE_NAME = re.compile(r"{{-?\s*([A-Za-z_]\w*)")  # the variable a Jinja `{{ name ... }}` starts with


def _parse(doc: dict[str, Any], where: str) -> dict[str, Task]:
    tasks = {}
    for name, spec in doc.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        if name in _RESERVED:
            raise ConfigError(f"{where}: task name {name!r} is taken: newsset names a config or a folder of its "
                              f"own so (reserved: {', '.join(sorted(_RESERVED))}); choose another name")
        if not _NAME.match(name):
            raise ConfigError(f"{where}: task name {name!r} must be lowercase letters, digits and _, starting with a "
                              f"letter, at most 64 characters (a Hugging Face config name; this one has {len(name)})")
        cols = spec.get("columns")
        if not isinstance(cols, dict) or not cols or not all(isinstance(v, str) for v in cols.values()):
            raise ConfigError(f"{where}: task {name!r} needs `columns = {{ output = \"field\", ... }}`")
        bad = [c for c in cols if not _COLUMN.match(c)]
        if bad:
            raise ConfigError(f"{where}: task {name!r}: output column names must be letters, digits and _ (not "
                              f"starting with a digit), got {bad}")
        if "split" in cols:
            raise ConfigError(f"{where}: task {name!r}: no output column may be named `split`: croissant.json gives "
                              "each record a `split` field of its own (choose another name)")
        folded: dict[str, str] = {}
        for c in cols:
            other = folded.setdefault(c.lower(), c)
            if other != c:  # DuckDB and Spark fold column names: `Text` and `text` would collide there
                raise ConfigError(f"{where}: task {name!r}: output columns {other!r} and {c!r} differ only by case, "
                                  "which SQL engines (DuckDB, Spark) read as one name; rename one")
        require = spec.get("require", [])
        if not isinstance(require, list) or not all(isinstance(f, str) for f in require):
            raise ConfigError(f"{where}: task {name!r}: `require` must be a list of field names, got {require!r}")
        if not isinstance(spec.get("untruncated", False), bool):
            raise ConfigError(f"{where}: task {name!r}: `untruncated` must be true or false, got "
                              f"{spec['untruncated']!r}")
        for key in ("description", "prompt", "target"):
            if not isinstance(spec.get(key, ""), str):
                raise ConfigError(f"{where}: task {name!r}: `{key}` must be a string, got {spec[key]!r}")
        for key in ("prompt", "target"):  # lm-evaluation-harness renders an unknown name as "": a silent blank
            text = spec.get(key, "")
            if problem := _template_error(text):
                raise ConfigError(f"{where}: task {name!r}: `{key}` is not a Jinja template lm-evaluation-harness "
                                  f"can render: {problem}")
            for ref in _TEMPLATE_NAME.findall(text):  # (a string: checked above)
                if ref not in cols:
                    raise ConfigError(f"{where}: task {name!r}: `{key}` names {{{{{ref}}}}}, which is not one of the "
                                      f"task's columns ({', '.join(cols)}): the harness would render it empty")
        unknown = sorted(set(spec) - _KEYS)
        if unknown:  # a misspelt `require` or `prompt` would be ignored, and the task built without it
            import difflib

            hints = [f"{k!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(k, _KEYS, 1))
                     else repr(k) for k in unknown]
            raise ConfigError(f"{where}: task {name!r}: unknown key(s) {', '.join(hints)}; a task takes "
                              f"{', '.join(sorted(_KEYS))}")
        tasks[name] = Task(name=name, description=spec.get("description", ""), columns=dict(cols),
                           require=tuple(require), untruncated=spec.get("untruncated", False),
                           prompt=spec.get("prompt", ""), target=spec.get("target", ""))
    return tasks


def load_tasks(path: str | os.PathLike[str]) -> dict[str, Task]:
    try:
        data = read_small_file(path, TASKS_MAX_BYTES)
    except OSError as e:
        raise ConfigError(f"--tasks: cannot read {path}: {e.strerror or e}") from None
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"--tasks: {path} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") \
            from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"--tasks: {path} is not valid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"--tasks: {path} is not a task file: its values nest too deeply to read") from None
    return _parse(doc, os.fspath(path))


def bundled_tasks() -> dict[str, Task]:
    return load_tasks(Path(__file__).with_name("tasks.toml"))


_YAML_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_YAML_NAMED = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def yaml_quote(value: Any) -> str:
    """A YAML scalar (the card's and lm_eval's): JSON, plus escapes for what YAML reads as a line
    break (NEL, U+2028, U+2029) or refuses in a file (DEL, C1 controls, surrogates, U+FFFE/F),
    which JSON leaves as they are: a DEL in --out made the card's front matter unreadable."""
    import json

    return _YAML_ESCAPE.sub(lambda m: _YAML_NAMED.get(m[0], f"\\u{ord(m[0]):04x}"),
                            json.dumps(value, ensure_ascii=False))


def lm_eval_yaml(task: Task, dataset_dir: str, splits: list[str]) -> str:
    """An lm-evaluation-harness task that reads this folder's config with `datasets`."""
    cols = [c for c in task.columns if c != "id"] or list(task.columns)
    input_col = next((c for c in cols if task.columns[c] == "body"), cols[0])
    target_col = next((c for c in reversed(cols) if c != input_col), input_col)
    # The path is in a comment too, which a line break in it would end (and the rest become keys).
    include = f"{dataset_dir}/lm_eval"
    include = shlex.quote(include) if include.isprintable() else yaml_quote(include)
    lines = [f"# lm-evaluation-harness task for the {task.name!r} config. Run:",
             f"#   lm_eval --model hf --model_args pretrained=MODEL --include_path {include} "
             f"--tasks newsset_{task.name}",
             f"task: newsset_{task.name}", f"dataset_path: {yaml_quote(dataset_dir)}", f"dataset_name: {task.name}",
             "output_type: generate_until"]
    for key, split in (("training_split", "train"), ("validation_split", "validation"), ("test_split", "test")):
        if split in splits:
            lines.append(f"{key}: {split}")
    prompt = task.prompt or "Article:\n{{" + input_col + "}}\n\nAnswer:"
    target = task.target or "{{" + target_col + "}}"
    lines += [f"doc_to_text: {yaml_quote(prompt)}", f"doc_to_target: {yaml_quote(target)}",
              "generation_kwargs:", '  until: ["\\n"]', "  do_sample: false",
              # A model writes a space after the prompt's `Headline:`, as the few-shot examples show it: the
              # answer is compared without it (and without case or punctuation), as the harness's own tasks do.
              "filter_list:", "  - name: remove_whitespace", "    filter:", "      - function: remove_whitespace",
              "      - function: take_first",
              "metric_list:", "  - metric: exact_match", "    aggregation: mean", "    higher_is_better: true",
              "    ignore_case: true", "    ignore_punctuation: true",
              "  - metric: bleu", "    aggregation: bleu", "    higher_is_better: true",
              "metadata:", "  version: 1.0"]
    return "\n".join(lines) + "\n"
