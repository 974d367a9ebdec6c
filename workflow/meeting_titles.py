"""How a meeting is named wherever it appears (lists, headings, calendars, e-mails, OParl):
"Sitzung des Gemeinderats am 23.04.2024", the way an invitation names it."""

from __future__ import annotations

from datetime import date


def genitive(body: str) -> str:
    """ "des Gemeinderats", "des Technischen Ausschusses", "des Ausschusses für Umwelt";
    a name whose inflection is unknown stays as written: "des Gremiums „Jugendforum“"."""
    if body.endswith("rat"):
        return f"des {body}s"
    if body.endswith("ausschuss"):
        return f"des {body}es"
    words = body.split()
    if len(words) > 1 and words[0] == "Ausschuss":
        return f"des Ausschusses {' '.join(words[1:])}"
    if len(words) == 2 and words[1] == "Ausschuss":
        adjective = words[0][:-1] + "n" if words[0].endswith("r") else words[0]
        return f"des {adjective} Ausschusses"
    return f"des Gremiums „{body}“"


def accusative(body: str) -> str:
    """ "den Gemeinderat", "den Technischen Ausschuss", "den Ortschaftsrat Helfenberg" (an
    Empfehlung an …); a name whose inflection is unknown: "das Gremium „Jugendforum“"."""
    words = body.split()
    if words and words[0].lower().endswith(("rat", "ausschuss")):
        return f"den {body}"
    if len(words) == 2 and words[1] == "Ausschuss":
        adjective = words[0][:-1] + "n" if words[0].endswith("r") else words[0]
        return f"den {adjective} Ausschuss"
    return f"das Gremium „{body}“"


# Heads of body names that are feminine ("die Gemeindeversammlung", "die Jugendkommission").
FEMININE_HEADS = ("versammlung", "kommission", "konferenz", "vertretung", "runde")


def nominative(body: str) -> str:
    """ "der Gemeinderat", "der Technische Ausschuss", "der Ortschaftsrat Helfenberg", "die
    Gemeindeversammlung" (the subject of "… beschließt"); a name that brings its article
    stays as written; a name whose gender is unknown: "das Gremium „Jugendforum“"."""
    words = body.split()
    if not words:
        return "das Gremium"
    if words[0] in ("Der", "Die", "Das", "der", "die", "das"):
        return f"{words[0].lower()} {' '.join(words[1:])}"
    head = words[0].lower()
    if head.endswith(("rat", "ausschuss")):
        return f"der {body}"
    if len(words) == 2 and words[1] == "Ausschuss":
        adjective = words[0][:-1] if words[0].endswith("er") else words[0]
        return f"der {adjective} Ausschuss"
    if head.endswith(FEMININE_HEADS):
        return f"die {body}"
    return f"das Gremium „{body}“"


def meeting_title(body: str | None, day: date) -> str:
    """``Sitzung des Gemeinderats am 23.04.2024`` (``Sitzung am 23.04.2024`` without a body)."""
    of = f" {genitive(body)}" if body else ""
    return f"Sitzung{of} am {day:%d.%m.%Y}"
