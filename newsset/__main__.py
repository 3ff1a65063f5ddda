"""`python -m newsset`."""

from . import _command

_command()
