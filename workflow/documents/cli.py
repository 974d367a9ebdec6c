"""``ratsflow render KIND REF --format html|pdf|docx -o FILE`` (DESIGN.md, fixed contracts).

Registered by ``api.cli`` next to ``serve`` (the engine's CLI module stays as it is). The
command acts for the administration (it reads the database directly) and so includes
non-public parts; ``--oeffentlich`` renders what the public may read.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sqlmodel import Session, col, select

from workflow.context import SYSTEM, Actor
from workflow.digits import is_digits
from workflow.documents.model import FORMATS, KINDS, Document
from workflow.documents.service import (
    item_document,
    meeting_document,
    proposal_document,
    render,
)
from workflow.errors import NotFound
from workflow.models import Municipality, Proposal
from workflow.runtime import open_runtime
from workflow.settings import get_settings

NUMBER = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{4})\s*$")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, help="Art des Dokuments")
    parser.add_argument(
        "ref",
        help="Datenbank-ID (Vorlage, Sitzung oder Tagesordnungspunkt) oder eine "
        "Vorlagennummer wie 8/2024 (für vorlage und beschlussauszug)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="Ausgabeformat (sonst aus der Dateiendung, sonst pdf)"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="Zieldatei")
    parser.add_argument("--municipality", help="Gemeinde, wenn die Vorlagennummer mehrdeutig ist")
    parser.add_argument(
        "--oeffentlich",
        action="store_true",
        help="nur, was die Öffentlichkeit lesen darf (ohne nichtöffentliche Teile)",
    )
    parser.add_argument(
        "--nichtoeffentlich",
        action="store_true",
        help="Niederschrift: der nichtöffentliche Teil (§ 38 Abs. 2 GemO)",
    )


def proposal_by_number(session: Session, ref: str, municipality: str | None) -> Proposal:
    match = NUMBER.match(ref)
    assert match is not None
    number, year = int(match.group(1)), int(match.group(2))
    query = select(Proposal).where(Proposal.number == number, Proposal.year == year)
    if municipality is not None:
        town = session.exec(select(Municipality).where(Municipality.name == municipality)).first()
        if town is None:
            raise NotFound(f"Die Gemeinde „{municipality}“ ist nicht angelegt.")
        query = query.where(Proposal.municipality_id == town.id)
    found = list(session.exec(query.order_by(col(Proposal.id))))
    if not found:
        raise NotFound(f"Vorlage {number}/{year} wurde nicht gefunden.")
    if len(found) > 1:
        raise NotFound(
            f"Vorlage {number}/{year} gibt es in mehreren Gemeinden: bitte --municipality angeben."
        )
    return found[0]


def build(session: Session, args: argparse.Namespace, actor: Actor | None) -> Document:
    ref: str = args.ref
    by_number = NUMBER.match(ref) is not None
    if not by_number and not is_digits(ref.strip()):
        raise NotFound(f"„{ref}“ ist weder eine ID noch eine Vorlagennummer wie 8/2024.")
    if by_number and args.kind not in ("vorlage", "beschlussauszug"):
        raise NotFound("Sitzungsdokumente werden mit der ID der Sitzung aufgerufen.")
    if by_number:
        proposal = proposal_by_number(session, ref, args.municipality)
        return proposal_document(
            session=session, actor=actor, proposal_id=proposal.id or 0, kind=args.kind
        )
    key = int(ref)
    if args.kind == "vorlage":
        return proposal_document(session=session, actor=actor, proposal_id=key, kind="vorlage")
    if args.kind == "beschlussauszug":
        return item_document(session=session, actor=actor, item_id=key, kind=args.kind)
    return meeting_document(
        session=session,
        actor=actor,
        meeting_id=key,
        kind=args.kind,
        public=not args.nichtoeffentlich,
    )


def run(args: argparse.Namespace) -> int:
    output: Path = args.output
    fmt = args.format or (output.suffix.lstrip(".").lower() if output.suffix else "pdf")
    if fmt not in FORMATS:
        print(f"Unbekanntes Format „{fmt}“: html, pdf oder docx", file=sys.stderr)
        return 2
    runtime = open_runtime(get_settings())
    actor = None if args.oeffentlich else SYSTEM
    with Session(runtime.engine) as session:
        document = build(session, args, actor)
        data = render(document, fmt)
    try:
        output.write_bytes(data)
    except OSError as exc:
        print(f"{output}: nicht schreibbar: {exc}", file=sys.stderr)
        return 1
    print(f"{output}: {document.title} ({fmt}, {len(data)} Bytes)")
    return 0
