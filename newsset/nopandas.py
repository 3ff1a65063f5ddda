"""Declining pandas in processes that never need it.

pyarrow imports pandas (0.2–0.3 s) on its first `pa.array()` only to ask whether the input is a
DataFrame. newsset's CLI process (parse, validate, build) and its own worker processes never
hand it one, so they decline the import and pyarrow takes its no-pandas path. Library callers,
`main()` and Dask workers (the user's processes) are not affected.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["decline_pandas"]


class _NoPandas:
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"{name} is not needed by this newsset process", name=name)
        return None


def decline_pandas() -> None:
    """Install the finder once, unless pandas is already imported (then it costs nothing more)."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())
