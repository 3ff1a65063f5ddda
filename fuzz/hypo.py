"""Fallback engine when atheris cannot be installed: `python fuzz/hypo.py TARGET SECONDS CRASH_DIR`.

Not coverage-guided, so it finds less: hypothesis draws random bytes and splices them into the
synthetic seeds, in batches, until the time is up. A failure is shrunk by hypothesis, saved as
CRASH_DIR/TARGET-crash-<sha1> and reported with exit status 1, as with atheris.
"""

from __future__ import annotations

import hashlib
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import corpus
import targets
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st


def _splice(seed: bytes, at: int, cut: int, insert: bytes) -> bytes:
    at %= len(seed) + 1
    return seed[:at] + insert + seed[at + cut:]


def _inputs(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    spliced = st.builds(_splice, st.sampled_from(seeds), st.integers(0, 1 << 16), st.integers(0, 64),
                        st.binary(max_size=64))
    return st.one_of(st.binary(max_size=4096), st.sampled_from(seeds), spliced)


def fuzz(check: Callable[[bytes], None], seeds: list[bytes], seconds: float) -> tuple[int, bytes | None]:
    """Run `check` on generated inputs for `seconds`; (executions, failing input or None)."""
    deadline = time.monotonic() + seconds
    count = 0
    last: list[bytes] = []

    @settings(max_examples=500, deadline=None, database=None, derandomize=False,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(_inputs(seeds))
    def batch(data: bytes) -> None:
        nonlocal count
        count += 1
        last[:] = [data]
        check(data)

    while time.monotonic() < deadline:
        try:
            batch()
        except Exception:
            traceback.print_exc()
            return count, last[0] if last else b""
    return count, None


def main() -> int:
    target, seconds, crashes = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
    check = targets.check_page if target == "parse" else targets.check_record_line
    seeds = corpus.page_seeds() if target == "parse" else corpus.record_seeds()
    targets.schema()
    started = time.monotonic()
    count, failing = fuzz(check, seeds, seconds)
    took = max(time.monotonic() - started, 1e-9)
    print(f"stat::number_of_executed_units: {count}\nstat::average_exec_per_sec: {int(count / took)}")
    if failing is None:
        return 0
    crashes.mkdir(parents=True, exist_ok=True)
    (crashes / f"{target}-crash-{hashlib.sha1(failing).hexdigest()}").write_bytes(failing)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
