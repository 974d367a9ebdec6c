"""Redaction marks and withholding of a Vorlage's online publication (§ 41b Abs. 2 GemO)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from api.deps import CurrentUser, NowDep, SessionDep
from api.problems import responses
from api.routes.common import PathId
from api.schemas.common import Comment, Input, Output
from workflow.services import publication as service

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
