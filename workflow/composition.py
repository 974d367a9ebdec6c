"""The composition root: the one place where the project's guards, actions and anchors are
put into a registry (wired explicitly, no import-time registration).

Nothing below ``workflow.definitions`` imports the rules: the rules use the registry's types,
and this module, which nothing in the engine's core imports, joins the two.
"""

from __future__ import annotations

from workflow.definitions.registry import Registry
from workflow.documents import mailing  # invitations and extracts by e-mail
from workflow.rules import (
    anchors,
    circulation,
    consultation_guards,
    council_substitute,
    decision_rules,
    inputs,
    meeting_rules,
    motion_rules,
    proposal_actions,
    proposal_guards,
    resolution_guards,
    task_messages,
)
from workflow.services import decisions  # actions that open and fire other instances
from workflow.settings import DEFAULT_MAIL_ATTACHMENT_MAX_BYTES


def default_registry(
    *, mail_attachment_max_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES
) -> Registry:
    """The registry of this codebase; the settings its actions need are passed in here."""
    return (
        Registry()
        .add(proposal_guards.GUARDS)
        .add(consultation_guards.GUARDS)
        .add(resolution_guards.GUARDS)
        .add(proposal_actions.ACTIONS)
        .add(proposal_actions.DEADLINE_LABELS)
        .add(meeting_rules.GUARDS)
        .add(meeting_rules.ACTIONS)
        .add(anchors.ANCHORS)
        .add(decision_rules.GUARDS)
        .add(decision_rules.ACTIONS)
        .add(decision_rules.ANCHORS)
        .add(decisions.ACTIONS)
        .add(circulation.GUARDS)
        .add(circulation.ACTIONS)
        .add(council_substitute.GUARDS)
        .add(council_substitute.ACTIONS)
        .add(motion_rules.GUARDS)
        .add(mailing.actions(max_attachment_bytes=mail_attachment_max_bytes))
        .add(task_messages.ACTIONS)
        .describe(
            inputs.FIELDS,
            input_guards=inputs.INPUT_GUARDS,
            scope_guards=inputs.SCOPE_GUARDS,
            steps=inputs.STEPS,
        )
    )
