"""The Prüfbericht zur Rechtmäßigkeit as JSON (workflow.legality.model)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Id
from workflow.legality.model import Report

ResultRead = Literal[
    "erfüllt", "nicht erfüllt", "läuft noch", "nicht anwendbar", "nicht feststellbar"
]


class EvidenceRead(BaseModel):
    text: str
    instance_type: str | None = None
    instance_id: int | None = None
    seq: int | None = Field(None, description="Sequenznummer des Protokollereignisses")
    at: str | None = Field(None, description="Zeitpunkt des Ereignisses (UTC)")


class CheckRead(BaseModel):
    key: str
    title: str
    paragraph: str
    result: ResultRead
    explanation: str
    evidence: list[EvidenceRead]
    consequence: str | None = Field(None, description="Folge eines Verstoßes")
    cure_date: date | None = Field(None, description="Heilung (§ 18 Abs. 6, § 4 Abs. 4 GemO)")


class ChainRead(BaseModel):
    instance_type: str
    instance_id: int
    seq: int
    hash: str
    label: str = Field("", description="Wie der Bericht die Kette nennt, z. B. Vorlage 8/2024")


class LegalityRead(BaseModel):
    resolution_id: int
    proposal_id: int
    proposal_label: str
    title: str
    municipality: str
    body: str | None
    meeting_id: int | None
    decided_on: date
    adopted: bool
    kind: str
    public: bool
    at_risk: bool
    summary: str
    cure_date: date | None
    checks: list[CheckRead] = Field(description="nicht erfüllte und nicht feststellbare zuerst")
    chains: list[ChainRead] = Field(description="Kopf der Protokollketten (ratsflow audit verify)")


class AnnouncementCreate(BaseModel):
    """Ortsübliche Bekanntgabe of a public session (§ 34 Abs. 1 Satz 7 GemO)."""

    announced_on: date = Field(description="Tag der Bekanntgabe")
    medium: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="wo bekannt gegeben wurde, z. B. Mitteilungsblatt, Aushang",
    )


class AnnouncementRead(BaseModel):
    meeting_id: int
    announced_on: date
    medium: str
    seq: int = Field(description="Sequenznummer des Protokollereignisses der Sitzung")


class ResolutionAnnouncementCreate(BaseModel):
    """§ 35 Abs. 1 Satz 4 GemO: the public session in which the resolution was announced."""

    meeting_id: Id


class ResolutionAnnouncementRead(BaseModel):
    resolution_id: int
    meeting_id: int
    seq: int = Field(description="Sequenznummer des Protokollereignisses der Vorlage")


class LegalityList(BaseModel):
    data: list[LegalityRead]
    count: int


def legality_read(report: Report) -> LegalityRead:
    return LegalityRead(
        resolution_id=report.resolution_id,
        proposal_id=report.proposal_id,
        proposal_label=report.proposal_label,
        title=report.title,
        municipality=report.municipality,
        body=report.body,
        meeting_id=report.meeting_id,
        decided_on=report.decided_on,
        adopted=report.adopted,
        kind=report.kind,
        public=report.public,
        at_risk=report.at_risk,
        summary=report.summary(),
        cure_date=report.cure_date,
        checks=[
            CheckRead(
                key=c.key,
                title=c.title,
                paragraph=c.paragraph,
                result=c.result,
                explanation=c.explanation,
                evidence=[EvidenceRead(**vars(e)) for e in c.evidence],
                consequence=c.consequence,
                cure_date=c.cure_date,
            )
            for c in report.ordered
        ],
        chains=[ChainRead(**vars(h)) for h in report.chains],
    )


def legality_list(reports: list[Report]) -> LegalityList:
    return LegalityList(data=[legality_read(r) for r in reports], count=len(reports))
