"""What a fork server imports before it forks newsset's workers (see `engine.LocalPool`):
done once there, every worker starts with it done."""

from __future__ import annotations

import contextlib

from .engine import watch_parent

watch_parent()  # the fork server's parent is the driver: it ends when the driver does (first: imports take 0.2 s)

from . import chunk  # noqa: E402  (the worker's code, pyarrow)
from .schema import bundled_schema_path  # noqa: E402
from .text import special_chars  # noqa: E402

special_chars()  # the normaliser's character tables (~13 ms)
# The bundled schema, compiled: its validator and jsonschema's format checkers (another 50 ms),
# which every worker would otherwise build at its first record.
with contextlib.suppress(Exception):  # a warm-up only: a worker reports a broken installation itself
    chunk.worker_schema(str(bundled_schema_path()))._fast  # noqa: B018
