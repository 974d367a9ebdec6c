"""``ratsflow legality check [--municipality NAME] [--since DATE]``: one German line per
resolution with a failed or unknown check; exit 1 if there is any (for cron jobs and CI)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from workflow.context import BERLIN, local_date
from workflow.documents import german
from workflow.documents.model import FORMATS
from workflow.documents.service import render
from workflow.errors import NotFound, not_found
from workflow.legality.document import build_pruefbericht
from workflow.legality.model import Report
from workflow.legality.report import check_resolution
from workflow.legality.service import at_risk
from workflow.models import Municipality, Resolution
from workflow.runtime import open_runtime
from workflow.settings import get_settings

HELP = "Rechtmäßigkeit der Beschlüsse prüfen (Rechtmäßigkeitsnachweis)"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ungültiges Datum „{text}“, erwartet JJJJ-MM-TT") from exc


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="legality_command", required=True, title="Befehle", metavar="BEFEHL"
    )
    check = sub.add_parser(
        "check",
        help="je Beschluss mit nicht erfüllter oder nicht feststellbarer Anforderung eine "
        "Zeile ausgeben (Exit 1, wenn es einen gibt)",
    )
    check.add_argument("--municipality", metavar="GEMEINDE", help="nur diese Gemeinde")
    check.add_argument(
        "--since", type=_day, metavar="DATUM", help="nur Beschlüsse ab diesem Tag (JJJJ-MM-TT)"
    )
    check.add_argument(
        "--stichtag",
        type=_day,
        metavar="DATUM",
        help="Tag, zu dem geprüft wird, z. B. für laufende Fristen (Standard: heute)",
    )

    report = sub.add_parser(
        "report",
        help="Prüfbericht zur Rechtmäßigkeit eines Beschlusses als PDF, DOCX oder HTML schreiben",
    )
    report.add_argument("resolution", type=int, metavar="BESCHLUSS", help="ID des Beschlusses")
    report.add_argument("-o", "--output", type=Path, required=True, help="Zieldatei")
    report.add_argument(
        "--format", choices=FORMATS, help="Ausgabeformat (sonst aus der Dateiendung, sonst pdf)"
    )
    report.add_argument(
        "--stichtag", type=_day, metavar="DATUM", help="Tag, zu dem geprüft wird (Standard: heute)"
    )


def line(report: Report) -> str:
    """E.g. "Ilsfeld, Vorlage 1/2026, Beschluss vom 18.11.2026 (Gemeinderat): nicht
    erfüllt: Veröffentlichung im Internet (§ 41b Abs. 5 GemO)"."""
    parts = [
        f"{c.result}: {c.title} ({c.paragraph})"
        + (f", Heilung am {german.day(c.cure_date)}" if c.cure_date else "")
        for c in report.ordered
        if c.at_risk
    ]
    body = f" ({report.body})" if report.body else ""
    return (
        f"{report.municipality}, Vorlage {report.proposal_label}, Beschluss {report.resolution_id} "
        f"vom {german.day(report.decided_on)}{body}: " + "; ".join(parts)
    )


def run(args: argparse.Namespace) -> int:
    if args.legality_command == "report":
        return _report(args)
    runtime = open_runtime(get_settings())
    today: date = args.stichtag or local_date(datetime.now(BERLIN))
    with Session(runtime.engine) as session:
        ids: list[int] | None = None
        if args.municipality is not None:
            town = session.exec(
                select(Municipality).where(Municipality.name == args.municipality)
            ).first()
            if town is None:
                raise NotFound(f"Die Gemeinde „{args.municipality}“ ist nicht angelegt.")
            ids = [town.id or 0]
        reports = at_risk(session, today=today, municipality_ids=ids, since=args.since)
    for report in reports:
        print(line(report))
    if reports:
        return 1
    print("Alle geprüften Beschlüsse erfüllen die anwendbaren Anforderungen.")
    return 0


def _report(args: argparse.Namespace) -> int:
    """The administration's copy: read directly from the database, like ``ratsflow render``."""
    output: Path = args.output
    fmt = args.format or (output.suffix.lstrip(".").lower() if output.suffix else "pdf")
    if fmt not in FORMATS:
        print(f"Unbekanntes Format „{fmt}“: html, pdf oder docx", file=sys.stderr)
        return 2
    runtime = open_runtime(get_settings())
    today: date = args.stichtag or local_date(datetime.now(BERLIN))
    with Session(runtime.engine) as session:
        resolution = session.get(Resolution, args.resolution)
        if resolution is None:
            raise not_found("Beschluss")
        document = build_pruefbericht(
            check_resolution(session, resolution, today), checked_on=today
        )
    data = render(document, fmt)
    try:
        output.write_bytes(data)
    except OSError as exc:
        print(f"{output}: nicht schreibbar: {exc}", file=sys.stderr)
        return 1
    print(f"{output}: {document.title} ({fmt}, {len(data)} Bytes)")
    return 0
