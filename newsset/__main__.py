"""`python -m newsset`."""

from .cli import run

run()
