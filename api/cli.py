"""The ``ratsflow`` console script: the engine's commands plus ``serve`` (HTTP)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api import first_setup, password_reset
from workflow.cli.main import Command
from workflow.cli.main import main as engine_main
from workflow.documents import cli as render_cli
from workflow.legality import cli as legality_cli


def _configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADRESSE",
        help="Adresse, an der der Server lauscht (Standard 127.0.0.1)",
    )
    parser.add_argument("--port", type=int, default=8000, help="TCP-Port (Standard 8000)")
    parser.add_argument(
        "--demo", action="store_true", help="Demodaten in eine leere Datenbank laden"
    )
    parser.add_argument(
        "--reuse-port",
        action="store_true",
        help="mehrere serve-Prozesse teilen sich Adresse und Port; das Betriebssystem "
        "verteilt die Verbindungen auf sie (Linux)",
    )


def _serve(args: argparse.Namespace) -> int:
    from api.server import serve

    return serve(host=args.host, port=args.port, demo=args.demo, reuse_port=args.reuse_port)


COMMANDS = {
    "serve": Command(
        help="API, Weboberfläche und Fristenprüfung starten",
        configure=_configure_serve,
        run=_serve,
    ),
    "setup": Command(help=first_setup.HELP, configure=first_setup.configure, run=first_setup.run),
    "password": Command(
        help=password_reset.HELP, configure=password_reset.configure, run=password_reset.run
    ),
    "render": Command(
        help="ein Dokument erzeugen (Vorlage, Einladung, Beschlussauszug, Niederschrift, "
        "Bekanntmachung) als HTML, PDF oder DOCX",
        configure=render_cli.configure,
        run=render_cli.run,
    ),
    "legality": Command(
        help=legality_cli.HELP, configure=legality_cli.configure, run=legality_cli.run
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    return engine_main(argv, COMMANDS)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
