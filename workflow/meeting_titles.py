"""How a meeting is named wherever it appears (lists, headings, calendars, e-mails, OParl):
"Sitzung des Gemeinderats am 23.04.2024", the way an invitation names it."""

from __future__ import annotations

from datetime import date

from workflow.documents import german

# Heads of body names that are feminine ("die Gemeindeversammlung", "die Jugendkommission").
FEMININE_HEADS = ("versammlung", "kommission", "konferenz", "vertretung", "runde")


# Heads of masculine body names and their genitive ending: "des Gemeinderats", "des
# Ausschusses".
MASCULINE_HEADS = (("ausschuss", "es"), ("rat", "s"))


def _masculine_genitive(word: str) -> str | None:
    """ "Ortschaftsrats", "Verwaltungsausschusses": the head noun declined, None where it is
    none of the known heads."""
    for head, ending in MASCULINE_HEADS:
        if word.lower().endswith(head):
            return word + ending
    return None


def genitive(body: str) -> str:
    """ "des Gemeinderats", "des Ortschaftsrats Auenstein", "des Technischen Ausschusses",
    "des Ausschusses für Umwelt", "der Gemeindeversammlung": the head noun declined, what
    follows it (a place, "für …") kept; a name whose inflection is unknown stays as written:
    "des Gremiums „Jugendforum“"."""
    words = body.split()
    if words and words[0] in ("Der", "Die", "Das", "der", "die", "das"):
        words = words[1:]  # "Der Ältestenrat": the article goes with the case
    if not words:
        return f"des Gremiums „{body}“"
    head = _masculine_genitive(words[0])
    if head is not None:
        return " ".join(["des", head, *words[1:]])
    # an adjective before the head: "Technischer Ausschuss Nord" → "des Technischen …"
    second = _masculine_genitive(words[1]) if len(words) > 1 else None
    if second is not None and words[0][:1].isupper() and words[0].endswith("er"):
        return " ".join(["des", words[0][:-1] + "n", second, *words[2:]])
    if words[0].lower().endswith(FEMININE_HEADS):
        return " ".join(["der", *words])
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
    return f"Sitzung{of} am {german.day(day)}"
