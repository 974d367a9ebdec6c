"""The ``ratsflow`` console script (contracts in DESIGN.md, "Fixed contracts")."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

import workflow.cli.definitions as cli_definitions
from workflow import audit
from workflow.cli.argparse_de import GermanArgumentParser
from workflow.composition import default_registry
from workflow.context import SYSTEM
from workflow.db import UNUSABLE, describe_database_error, unit_of_work
from workflow.definitions.diagram import svg
from workflow.definitions.done_labels import apply_done_labels, done_labels_files
from workflow.definitions.loader import LoadedDefinition, definition_files, load_definition
from workflow.definitions.machines import mermaid, quiet_transitions_log
from workflow.documents import german
from workflow.errors import DefinitionError, WorkflowError
from workflow.importing.parser import VorlageFormatError
from workflow.law.budget_coverage import format_euro
from workflow.law.periods import PeriodError, deadline_command
from workflow.models import Body, Municipality, Proposal
from workflow.models.proposal import DATABASE_MAINTAINED
from workflow.queries import steps
from workflow.runtime import engine_for, load_definitions, open_runtime
from workflow.schema import reset
from workflow.settings import get_settings
from workflow.wording import wording_for


@dataclass(frozen=True)
class Command:
    """A subcommand contributed by an outer layer (``api`` adds ``serve``): the engine's CLI
    stays free of HTTP imports."""

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _parser(extra: Mapping[str, Command]) -> argparse.ArgumentParser:
    parser = GermanArgumentParser(
        prog="ratsflow", description="Ratsflow – Beschlussvorlagen nach GemO BW"
    )
    sub = parser.add_subparsers(dest="command", required=True, title="Befehle", metavar="BEFEHL")

    demo = sub.add_parser(
        "demo", help="Demodaten laden und die Geschichte der Vorlage 8/2024 abspielen"
    )
    demo.add_argument(
        "--reset", action="store_true", help="eine nicht leere Datenbank vorher leeren"
    )

    definitions = sub.add_parser("definitions", help="Workflow-Definitionen prüfen und zeichnen")
    dsub = definitions.add_subparsers(
        dest="definitions_command", required=True, title="Befehle", metavar="BEFEHL"
    )
    validate = dsub.add_parser("validate", help="Definitionen prüfen (Exit 1 bei Fehlern)")
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PFAD",
        help="Definitionsdateien oder Verzeichnisse (Standard: die mitgelieferten Definitionen)",
    )
    diagram = dsub.add_parser("diagram", help="Zustandsdiagramm ausgeben")
    diagram.add_argument("name", metavar="NAME", help="Name der Definition, z. B. proposal")
    diagram.add_argument(
        "--format",
        choices=["mermaid", "svg"],
        default="mermaid",
        help="Ausgabeformat (mermaid oder svg, Standard mermaid)",
    )
    cli_definitions.configure(dsub)

    imp = sub.add_parser(
        "import-vorlage",
        help="eine Beschlussvorlage als Klartext im Layout des Sitzungsdienstes als Entwurf "
        "importieren (Kopf mit Nummer und Aktenzeichen, Beratungsfolge, Sachverhalt, "
        "Finanzierung, Beschlussvorschlag)",
    )
    imp.add_argument("file", type=Path, metavar="DATEI", help="die Vorlage als Textdatei (UTF-8)")
    imp.add_argument(
        "--municipality", metavar="GEMEINDE", help="Name der Gemeinde (sonst aus dem Text erkannt)"
    )
    imp.add_argument("--json", action="store_true", help="die angelegte Vorlage als JSON ausgeben")

    aud = sub.add_parser("audit", help="Protokoll prüfen")
    asub = aud.add_subparsers(
        dest="audit_command", required=True, title="Befehle", metavar="BEFEHL"
    )
    asub.add_parser("verify", help="alle Hash-Ketten prüfen (Exit 1 bei einem Bruch)")

    worker = sub.add_parser("worker", help="nur die Fristenprüfung (Scheduler) betreiben")
    worker.add_argument("--once", action="store_true", help="einmal prüfen und beenden")
    worker.add_argument(
        "--interval", type=float, default=60.0, metavar="SEKUNDEN", help="Sekunden (Standard 60)"
    )

    deadline = sub.add_parser("deadline", help="Fristenrechner (§§ 187–193 BGB)")
    deadline.add_argument(
        "direction",
        choices=["after", "before"],
        metavar="RICHTUNG",
        help="after: Frist ab dem Ereignis; before: spätester Tag vor dem Termin",
    )
    deadline.add_argument(
        "date", metavar="DATUM", help="Datum des Ereignisses oder Termins, JJJJ-MM-TT"
    )
    deadline.add_argument(
        "--period", required=True, metavar="DAUER", help="ISO-8601-Dauer, z. B. P1W, P7D, P1M"
    )
    deadline.add_argument(
        "--subdiv", default="BW", metavar="LAND", help="Land (Feiertage), Standard BW"
    )
    for name, command in extra.items():
        command.configure(sub.add_parser(name, help=command.help))
    return parser


def main(argv: Sequence[str] | None = None, extra: Mapping[str, Command] | None = None) -> int:
    extra = dict(extra or {})
    args = _parser(extra).parse_args(argv)
    try:
        if args.command in extra:
            return int(extra[args.command].run(args))
        return int(_dispatch(args))
    except DefinitionError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except VorlageFormatError as exc:
        print(exc, file=sys.stderr)
        return 1
    except (WorkflowError, PeriodError) as exc:
        print(f"Fehler: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1
    except UNUSABLE as exc:
        # A wrong or unreachable RATSFLOW_DATABASE_URL: one line, no traceback.
        url = get_settings().database_url
        print(f"Fehler: {describe_database_error(url, exc)}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "definitions":
        if args.definitions_command == "validate":
            return _validate(args.paths)
        if args.definitions_command in cli_definitions.COMMANDS:
            return cli_definitions.run(args)
        return _diagram(args.name, args.format)
    if args.command == "deadline":
        print(deadline_command(args.direction, args.date, args.period, args.subdiv))
        return 0
    if args.command == "demo":
        return _demo(args.reset)
    if args.command == "import-vorlage":
        return _import(args.file, args.municipality, args.json)
    if args.command == "audit":
        return _audit_verify()
    if args.command == "worker":
        return _worker(once=args.once, interval=args.interval)
    return 2  # pragma: no cover - argparse enforces the choices


def _validate(paths: list[Path]) -> int:
    settings = get_settings()
    files = definition_files(paths or [settings.definitions_dir])
    if not files:
        print("Keine Definitionsdateien gefunden", file=sys.stderr)
        return 1
    registry = default_registry()
    failed = False
    valid: list[LoadedDefinition] = []
    for path in files:
        try:
            loaded = load_definition(path, registry)
        except DefinitionError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        valid.append(loaded)
        spec = loaded.spec
        print(
            f"{path}: {spec.name} v{spec.version} gültig "
            f"({len(spec.states)} Zustände, {len(spec.transitions)} Übergänge)"
        )
    for labels in done_labels_files(paths or [settings.definitions_dir]) if not failed else []:
        try:
            apply_done_labels(labels, valid)
        except DefinitionError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(f"{labels}: Bezeichnungen erledigter Schritte gültig")
    return 1 if failed else 0


def _diagram(name: str, fmt: str = "mermaid") -> int:
    workflows = load_definitions(get_settings())
    try:
        spec = workflows.latest(name).spec
    except KeyError:
        names = ", ".join(sorted({wf.spec.name for wf in workflows}))
        print(f'Unbekannte Definition "{name}"; vorhanden: {names}', file=sys.stderr)
        return 1
    print(svg(spec) if fmt == "svg" else mermaid(spec), end="")
    return 0


def _demo(do_reset: bool) -> int:
    from workflow.demo.play import play

    settings = get_settings()
    engine = engine_for(settings)
    runtime = open_runtime(settings)
    with Session(engine) as session:
        non_empty = session.exec(select(Municipality)).first() is not None
    if non_empty and not do_reset:
        print("Die Datenbank ist nicht leer; mit --reset wird sie geleert.", file=sys.stderr)
        return 1
    if non_empty:
        reset(engine)
        runtime = open_runtime(settings)
    play(runtime.engine, runtime.workflows, base_url=settings.link_base(None))
    return 0


def _guess_municipality(session: Session, text: str) -> str | None:
    names = list(session.exec(select(Municipality.name)))
    found = {n for n in names if re.search(rf"\b(?:Gemeinde|Stadt) {re.escape(n)}\b", text)}
    return found.pop() if len(found) == 1 else None


def _import(file: Path, municipality: str | None, as_json: bool) -> int:
    from workflow.demo.data import municipality_names, municipality_statuses
    from workflow.services.importer import import_vorlage
    from workflow.services.setup import load_district

    settings = get_settings()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{file}: nicht lesbar: {exc}", file=sys.stderr)
        return 1
    runtime = open_runtime(settings)
    now = datetime.now(UTC)
    with unit_of_work(runtime.engine) as session:
        created_district = session.exec(select(Municipality)).first() is None
        if created_district:
            load_district(session, municipality_names(), municipality_statuses())
        name = municipality or _guess_municipality(session, text)
        if name is None:
            print(
                "Die Gemeinde ist nicht erkennbar: bitte --municipality angeben.", file=sys.stderr
            )
            return 1
        result = import_vorlage(
            session=session,
            workflows=runtime.workflows,
            actor=SYSTEM,
            now=now,
            text=text,
            municipality_name=name,
            source=str(file),
        )
        document = proposal_document(session, result.proposal)
        document["inconsistencies"] = [asdict(i) for i in result.inconsistencies]
        document["created_bodies"] = list(result.created_bodies)
        proposal = result.proposal
        spec = runtime.workflows.get(proposal.definition_name, proposal.definition_version).spec
        document["state_label"] = wording_for(proposal, session).state(spec, proposal.state)
    if created_district:
        print("Hinweis: Landkreis Heilbronn mit seinen Gemeinden wurde angelegt.", file=sys.stderr)
    if as_json:
        print(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    else:
        _print_proposal(document)
    for issue in result.inconsistencies:
        print(f"{file}:{issue.line}: Hinweis: {issue.message}", file=sys.stderr)
    return 0


def proposal_document(session: Session, proposal: Proposal) -> dict[str, Any]:
    data = proposal.model_dump(mode="json", exclude=set(DATABASE_MAINTAINED))
    data["label"] = proposal.label
    plan = steps(session, proposal.id or 0)
    names = {
        body.id: body.name
        for body in session.exec(select(Body).where(col(Body.id).in_([s.body_id for s in plan])))
    }
    data["consultation_plan"] = [
        {**s.model_dump(mode="json"), "body_name": names.get(s.body_id)} for s in plan
    ]
    return data


def _german_date(iso: str | None, missing: str = "–") -> str:
    return german.day(date.fromisoformat(iso)) if iso else missing


def _print_proposal(doc: dict[str, Any]) -> None:
    print(f"Vorlage Nr. {doc['label']} (id {doc['id']}, Zustand: {doc['state_label']})")
    print(f"  Betreff:   {doc['title']}")
    print(f"  AZ:        {doc['file_reference'] or '–'}   Amt: {doc['department'] or '–'}")
    print(
        f"  Verfasser: {doc['author_name'] or '–'} ({doc['author_phone'] or '–'}), "
        f"Datum {_german_date(doc['proposal_date'])}"
    )
    for step in doc["consultation_plan"]:
        role = "beschließt" if step["decides"] else "berät vor"
        public = "öffentlich" if step["public"] else "nichtöffentlich"
        print(
            f"  {step['position']}. {step['body_name']} {role} "
            f"am {_german_date(step['planned_date'], 'offen')} ({public})"
        )
    money = [
        f"Haushaltsstelle {doc['budget_line']}" if doc["budget_line"] else "",
        f"gedeckt {format_euro(Decimal(doc['covered_amount']))}" if doc["covered_amount"] else "",
        "nicht im Haushaltsplan gedeckt" if doc["covered_by_budget"] is False else "",
    ]
    if any(money):
        print(f"  Finanzierung: {', '.join(m for m in money if m)}")
    print(f"  Beschlussvorschlag: {doc['resolution_text']}")


def _worker(*, once: bool, interval: float) -> int:
    """The scheduler alone, for scale-out next to API processes; stops on SIGTERM/SIGINT."""
    import logging
    import signal
    import threading
    from datetime import timedelta

    from workflow.deadlines.scheduler import SweepScheduler

    # Handlers first: a stop asked for while the schema is upgraded and the definitions load
    # (seconds) ends the worker cleanly once that is done, instead of killing it midway.
    stop = threading.Event()
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    quiet_transitions_log()
    settings = get_settings()
    runtime = open_runtime(settings)
    scheduler = SweepScheduler(
        engine=runtime.engine,
        workflows=runtime.workflows,
        settings=settings,
        interval=timedelta(seconds=interval),
    )
    if once:
        report = scheduler.run_once()
        print(f"Fristenprüfung: {report}")
        return 0 if report is not None else 1
    if stop.is_set():
        runtime.engine.dispose()
        return 0
    scheduler.start()
    stop.wait()
    scheduler.shutdown()
    return 0


def _audit_verify() -> int:
    """Exit 0 intact, 1 a broken chain, 2 (via ``main``) the database cannot be read.

    Reads only: no migration, no definitions, so verifying never changes what it verifies.
    """
    with Session(engine_for(get_settings())) as session:
        breaks = audit.verify(session)
    for item in breaks:
        print(f"Bruch: {item}", file=sys.stderr)
    if breaks:
        return 1
    print("Alle Protokollketten sind unversehrt.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
