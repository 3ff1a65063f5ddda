"""What a fork server imports before it forks newsset's workers (see `engine.LocalPool`):
done once there, every worker starts with it done."""

from __future__ import annotations

import contextlib

from . import chunk, engine  # noqa: F401  (the worker's code, pyarrow)
from .dedup import _special_chars
from .schema import bundled_schema_path

engine.watch_parent()  # the fork server's parent is the driver: it ends when the driver does
_special_chars()  # dedup's character tables (~40 ms)
# The bundled schema, compiled: its validator and jsonschema's format checkers (another 50 ms),
# which every worker would otherwise build at its first record.
with contextlib.suppress(Exception):  # a warm-up only: a worker reports a broken installation itself
    chunk._schema(str(bundled_schema_path()))._fast  # noqa: B018
