"""Redaction marks and withholding of a Vorlage's online publication (§ 41b Abs. 2 GemO)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from api.deps import CurrentUser, NowDep, RuntimeDep, SessionDep
from api.problems import responses
from api.routes.common import PathId
from api.schemas.common import Comment, Id, Input, Output, RequiredReason, Version
from workflow.models import Meeting, Resolution
from workflow.services import announcements
from workflow.services import publication as service
from workflow.services.common import require_role
from workflow.services.transition import load_instance

router = APIRouter(prefix="/api/v1", tags=["Veröffentlichung"])
Kind = Literal["personal_data", "business_secret"]
FieldName = Literal[
    "facts",
    "bias_notes",
    "resolution_text",
    "file_reference",
    "author_name",
    "author_phone",
    "budget_line",
    "unplanned_coverage",
]


class PublicationWrite(Input):
    redactions: dict[FieldName, Kind] = Field(
        default_factory=dict,
        description="Felder mit personenbezogenen Daten oder Geschäftsgeheimnissen "
        "(§ 41b Abs. 2 Satz 2 GemO): in der Veröffentlichung ausgelassen",
    )
    attachment_redactions: dict[Annotated[int, Field(ge=1, le=2_147_483_647)], Kind | None] = Field(
        default_factory=dict, description="Anlage-ID → Schwärzung (null hebt sie auf)"
    )
    withheld_reason: Comment | None = Field(
        default=None,
        description="Veröffentlichung im Einzelfall unterlassen, mit Grund "
        "(§ 41b Abs. 2 Satz 3 GemO); leer: veröffentlichen",
    )


class PublicationRead(Output):
    proposal_id: int
    redactions: dict[str, str]
    withheld_reason: str | None


@router.put(
    "/proposals/{proposal_id}/publication",
    operation_id="set_proposal_publication",
    response_model=PublicationRead,
    responses=responses(401, 403, 404, 422),
)
def set_proposal_publication(
    proposal_id: PathId,
    body: PublicationWrite,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> PublicationRead:
    """Schwärzungen und Unterlassen der Veröffentlichung einer Vorlage festlegen."""
    proposal = service.set_publication(
        session=session,
        actor=actor,
        now=now,
        proposal_id=proposal_id,
        redactions={str(k): str(v) for k, v in body.redactions.items()},
        attachment_redactions=dict(body.attachment_redactions),
        withheld_reason=body.withheld_reason,
    )
    return PublicationRead(
        proposal_id=proposal_id,
        redactions=proposal.redactions,
        withheld_reason=proposal.publication_withheld_reason,
    )


class AnnouncedResolution(Output):
    id: int
    decided_on: date
    adopted: bool
    text: str
    announced_meeting_id: int | None
    disclosed_at: datetime | None
    disclosure_withheld: str | None = Field(
        default=None,
        description="warum die Bekanntgabe unterbleibt (öffentliches Wohl, berechtigte "
        "Interessen Einzelner, § 35 Abs. 1 Satz 4 GemO)",
    )


class AnnouncementsRead(Output):
    agenda_item_id: int | None = Field(description="der TOP der Bekanntgabe, falls angelegt")
    pending: list[AnnouncedResolution] = Field(
        description="nichtöffentliche Beschlüsse des Gremiums, noch nicht bekannt gegeben"
    )
    planned: list[AnnouncedResolution] = Field(description="für diese Sitzung vorgesehen")
    withheld: list[AnnouncedResolution] = Field(
        default_factory=list,
        description="nichtöffentliche Beschlüsse des Gremiums, deren Bekanntgabe unterbleibt",
    )


class AnnouncementWithheld(Input):
    reason: RequiredReason = Field(
        description="was der Bekanntgabe entgegensteht (§ 35 Abs. 1 Satz 4 GemO)"
    )


class AnnouncementsWrite(Input):
    resolution_ids: list[Id] = Field(min_length=1, max_length=200)
    expected_version: Version


def _read(session: SessionDep, meeting: Meeting) -> AnnouncementsRead:
    mid = meeting.id or 0
    item = announcements.announced_item(session, mid)

    def rows(items: list[Resolution]) -> list[AnnouncedResolution]:
        return [AnnouncedResolution.model_validate(r) for r in items]

    return AnnouncementsRead(
        agenda_item_id=item.id if item is not None else None,
        pending=rows(
            [r for r in announcements.pending(session, meeting) if r.announced_meeting_id is None]
        ),
        planned=rows(announcements.of_meeting(session, mid)),
        withheld=rows(announcements.withheld(session, meeting)),
    )


@router.get(
    "/meetings/{meeting_id}/announcements",
    operation_id="get_meeting_announcements",
    response_model=AnnouncementsRead,
    responses=responses(401, 403, 404),
)
def get_meeting_announcements(
    meeting_id: PathId, session: SessionDep, actor: CurrentUser
) -> AnnouncementsRead:
    """Nichtöffentlich gefasste Beschlüsse, die in dieser Sitzung bekannt zu geben sind
    (§ 35 Abs. 1 Satz 4 GemO)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "plan_announcement", announcements.ROLES)
    return _read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/announcements",
    operation_id="plan_meeting_announcements",
    response_model=AnnouncementsRead,
    responses=responses(401, 403, 404, 409, 422),
)
def plan_meeting_announcements(
    meeting_id: PathId,
    body: AnnouncementsWrite,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
) -> AnnouncementsRead:
    """Beschlüsse zur Bekanntgabe wählen; legt den öffentlichen TOP der Bekanntgabe an."""
    announcements.plan(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        expected_version=body.expected_version,
        resolution_ids=list(body.resolution_ids),
    )
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    return _read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/announcements/confirm",
    operation_id="confirm_meeting_announcements",
    response_model=AnnouncementsRead,
    responses=responses(401, 403, 404, 409),
)
def confirm_meeting_announcements(
    meeting_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> AnnouncementsRead:
    """In der Sitzung bestätigen: die gewählten Beschlüsse wurden bekannt gegeben."""
    announcements.confirm(session=session, actor=actor, now=now, meeting_id=meeting_id)
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    return _read(session, meeting)


@router.put(
    "/meetings/{meeting_id}/announcements/{resolution_id}/withheld",
    operation_id="withhold_resolution_announcement",
    response_model=AnnouncementsRead,
    responses=responses(401, 403, 404, 409, 422),
)
def withhold_resolution_announcement(
    meeting_id: PathId,
    resolution_id: PathId,
    body: AnnouncementWithheld,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> AnnouncementsRead:
    """Die Bekanntgabe eines nichtöffentlichen Beschlusses unterbleibt, mit Grund (§ 35
    Abs. 1 Satz 4 GemO); er wird nicht mehr zur Bekanntgabe vorgeschlagen."""
    return _withhold(session, actor, now, meeting_id, resolution_id, body.reason)


@router.delete(
    "/meetings/{meeting_id}/announcements/{resolution_id}/withheld",
    operation_id="resume_resolution_announcement",
    response_model=AnnouncementsRead,
    responses=responses(401, 403, 404, 409),
)
def resume_resolution_announcement(
    meeting_id: PathId, resolution_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> AnnouncementsRead:
    """Was der Bekanntgabe entgegenstand, ist entfallen: wieder vorgeschlagen."""
    return _withhold(session, actor, now, meeting_id, resolution_id, None)


def _withhold(
    session: SessionDep,
    actor: CurrentUser,
    now: datetime,
    meeting_id: int,
    resolution_id: int,
    reason: str | None,
) -> AnnouncementsRead:
    announcements.withhold(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        resolution_id=resolution_id,
        reason=reason,
    )
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    return _read(session, meeting)


class MunicipalityPublication(Input):
    publishes_online: bool = Field(
        description="false: keine elektronische Bereitstellung der Sitzungsunterlagen, "
        "§ 41b Abs. 1, 2, 5 GemO gelten nicht (Abs. 7)"
    )
    ags: Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None = Field(
        default=None, description="Amtlicher Gemeindeschlüssel (8 Ziffern), für OParl"
    )


@router.put(
    "/municipality/publication",
    operation_id="set_municipality_publication",
    response_model=MunicipalityPublication,
    responses=responses(401, 403, 404, 422),
)
def set_municipality_publication(
    body: MunicipalityPublication, session: SessionDep, actor: CurrentUser
) -> MunicipalityPublication:
    """Online-Veröffentlichung der eigenen Gemeinde (Administration)."""
    town = service.set_municipality_publication(
        session=session, actor=actor, publishes_online=body.publishes_online, ags=body.ags
    )
    return MunicipalityPublication(publishes_online=town.publishes_online, ags=town.ags)
