"""atheris target: bytes -> one .jsonl record file -> `newsset.check.iter_items` (and `json.loads` +
`check_record`).

Nothing may raise for any file content; every refusal is an item with catalogued, located issues
whose text UTF-8 can encode (reports and rejects.jsonl write it); for any JSON object,
`Schema.is_valid` must agree with `Schema.errors() == []`. Run through `fuzz/run.py`, or directly:
`python fuzz/fuzz_records.py CORPUS_DIR -max_total_time=60`.
"""

from __future__ import annotations

import sys

import atheris

atheris.enabled_hooks.add("str")  # let the fuzzer see what startswith/endswith compare against

with atheris.instrument_imports(include=["newsset", "targets"]):
    import targets


def test_one_input(data: bytes) -> None:
    targets.check_record_line(data)


def main() -> None:
    targets.schema()
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
