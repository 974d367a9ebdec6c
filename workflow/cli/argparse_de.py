"""argparse in German: its own frame ("usage:", "options:", "-h") and its error messages.

argparse translates through gettext, but Python ships no German catalogue for it, and a
process-wide catalogue would be a global side effect; a parser class keeps it local.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

HELP = "diese Hilfe anzeigen und beenden"

# argparse's messages (Python 3.11-3.13) and their German; applied in order.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), german)
    for pattern, german in (
        (r"^argument (\S+): ", r"Argument \1: "),
        (r"the following arguments are required: ", "diese Angaben fehlen: "),
        (r"unrecognized arguments: ", "unbekannte Angaben: "),
        (r"invalid choice: (.+) \(choose from (.+)\)", r"ungültige Auswahl: \1 (möglich: \2)"),
        (r"expected one argument", "ein Wert erwartet"),
        (r"expected at least one argument", "mindestens ein Wert erwartet"),
        (r"invalid float value: (.+)", r"keine Zahl: \1"),
        (r"invalid int value: (.+)", r"keine ganze Zahl: \1"),
        (r"invalid (\S+) value: (.+)", r"ungültiger Wert (\1): \2"),
        (r"ambiguous option: (\S+) could match (.+)", r"mehrdeutige Option: \1 passt zu \2"),
        (r"not allowed with argument (\S+)", r"nicht zusammen mit \1 erlaubt"),
        (r"one of the arguments (.+) is required", r"eine der Angaben \1 ist nötig"),
    )
)


def translate(message: str) -> str:
    for pattern, german in _MESSAGES:
        message = pattern.sub(german, message)
    return message


class GermanHelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class GermanArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help and errors are German; subcommands inherit it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", GermanHelpFormatter)
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {translate(message)}\n")
