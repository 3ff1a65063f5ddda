"""What a fork server imports before it forks newsset's workers (see `engine.LocalPool`):
done once there, every worker starts with it done."""

from __future__ import annotations

from . import chunk, engine  # noqa: F401  (the worker's code, pyarrow and the validator)
from .dedup import _special_chars

_special_chars()  # dedup's character tables (~40 ms)
