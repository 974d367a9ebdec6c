"""``ratsflow legality check [--municipality NAME] [--since DATE]``: one German line per
resolution with a failed or unknown check; exit 1 if there is any (for cron jobs and CI)."""

from __future__ import annotations

import argparse
from datetime import date, datetime

from sqlmodel import Session, select

from workflow.context import BERLIN, local_date
from workflow.errors import NotFound
from workflow.legality.common import fmt
from workflow.legality.model import Report
from workflow.legality.service import at_risk
from workflow.models import Municipality
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


def line(report: Report) -> str:
    """E.g. "Ilsfeld, Vorlage 1/2026, Beschluss vom 18.11.2026 (Gemeinderat): nicht
    erfüllt: Veröffentlichung im Internet (§ 41b Abs. 5 GemO)"."""
    parts = [
        f"{c.result}: {c.title} ({c.paragraph})"
        + (f", Heilung am {fmt(c.cure_date)}" if c.cure_date else "")
        for c in report.ordered
        if c.at_risk
    ]
    body = f" ({report.body})" if report.body else ""
    return (
        f"{report.municipality}, Vorlage {report.proposal_label}, Beschluss {report.resolution_id} "
        f"vom {fmt(report.decided_on)}{body}: " + "; ".join(parts)
    )


def run(args: argparse.Namespace) -> int:
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
