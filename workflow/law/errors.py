"""A rule of law refuses the input it was given; the services turn this into ``InvalidInput``."""

from __future__ import annotations


class RefusedInput(ValueError):
    """Input a rule cannot judge (negative counts, a tie without the lot); ``field`` names it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
