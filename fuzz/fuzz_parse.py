"""atheris target: raw page bytes -> `newsset.parse.parse_bytes`.

Only `ParseError` may come out, with a catalogued, located, printable issue; a parsed record must
have the schema's types, no lone surrogates, a non-empty body, pass the bundled schema with both
validators agreeing, and hold no boilerplate line when re-checked as a record. Run through
`fuzz/run.py`, or directly: `python fuzz/fuzz_parse.py CORPUS_DIR -max_total_time=60`.
"""

from __future__ import annotations

import random
import sys

import atheris

atheris.enabled_hooks.add("str")  # let the fuzzer see what startswith/endswith compare against

with atheris.instrument_imports(include=["newsset", "targets"]):
    import targets

import corpus  # noqa: E402  (not instrumented: it is the fuzzer, not the code under test)


def test_one_input(data: bytes) -> None:
    targets.check_page(data)


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    """Half libFuzzer's byte mutations, half line-level ones that keep the page's line structure."""
    rng = random.Random(seed)
    if rng.random() < 0.5 or not data:
        return atheris.Mutate(data, max_size)
    return corpus.mutate_lines(data, max_size, rng)


def main() -> None:
    targets.schema()  # compile both validators before fuzzing, not inside the first input's time
    atheris.Setup(sys.argv, test_one_input, custom_mutator=mutate)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
