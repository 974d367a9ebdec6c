"""The actions of a page in the order a user reads them: the forward step first."""

from __future__ import annotations

from api.ui.actions import SECONDARY, forms_from
from api.ui.meeting_actions import meeting_forms
from workflow.engine import ActionOption


def _option(trigger: str, label: str) -> ActionOption:
    return ActionOption(
        trigger=trigger,
        label=label,
        dest="x",
        allowed=True,
        blocked_by=None,
        reasons=(),
        unmet_guards=(),
        roles=("mayor",),
    )


def test_the_release_comes_before_the_return_to_the_author() -> None:
    # proposal.yaml lists "return_to_author" before "release" in awaiting_release
    options = [
        _option("return_to_author", "Mit Anmerkung zurückgeben"),
        _option("release", "Freigeben"),
        _option("urgent_decision", "Eilentscheidung treffen"),
        _option("withdraw", "Zurückziehen"),
    ]
    forms, _ = forms_from(
        options,
        input_guards={},
        fields=lambda trigger, needs: (),
        legal=frozenset(),
        secondary=SECONDARY,
    )
    assert [f.trigger for f in forms] == [
        "release",
        "urgent_decision",
        "return_to_author",
        "withdraw",
    ]
    assert [f.primary for f in forms] == [True, False, False, False]


def test_the_invitation_comes_before_reopening_the_agenda() -> None:
    options = [
        _option("reopen_agenda", "Tagesordnung wieder öffnen"),
        _option("invite", "Einladen"),
        _option("cancel", "Sitzung absagen"),
    ]
    forms, _ = meeting_forms(options)
    assert [f.trigger for f in forms] == ["invite", "reopen_agenda", "cancel"]
    assert forms[0].primary
