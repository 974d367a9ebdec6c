"""All tables; importing this package registers them on ``SQLModel.metadata``."""

from workflow.models.attachment import Attachment
from workflow.models.audit import AuditEvent, AuditHead
from workflow.models.circulation import Circulation, CirculationReply
from workflow.models.council_request import CouncilRequest
from workflow.models.deadline import Deadline
from workflow.models.decision import DecisionRequest, DecisionResponse
from workflow.models.definition import DefinitionRecord
from workflow.models.deputy import Absence, BodyDeputy, UserDeputy
from workflow.models.election import (
    Election,
    ElectionBallot,
    ElectionCandidate,
    ElectionCount,
    ElectionRound,
)
from workflow.models.faction import Faction, FactionMember
from workflow.models.login import LoginThrottle
from workflow.models.meeting import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    BiasNotice,
    Meeting,
    MinutesSignature,
    Vote,
)
from workflow.models.minutes_objection import MinutesObjection
from workflow.models.motion import ItemAttendance, Motion
from workflow.models.notification import (
    DeadlineAct,
    Notification,
    OutboxAttachment,
    OutboxMessage,
    PapersAccess,
)
from workflow.models.proposal import ConsultationStep, CoSignature, Proposal, ProposalCounter
from workflow.models.resolution import ExecutionTask, Resolution
from workflow.models.tenancy import Body, District, Membership, Municipality, Person, User

__all__ = [
    "Absence",
    "BodyDeputy",
    "UserDeputy",
    "MinutesObjection",
    "AgendaItem",
    "Attachment",
    "Attendance",
    "AuditEvent",
    "AuditHead",
    "BiasDeclaration",
    "BiasNotice",
    "Body",
    "Circulation",
    "CirculationReply",
    "CoSignature",
    "CouncilRequest",
    "ConsultationStep",
    "Deadline",
    "DeadlineAct",
    "DecisionRequest",
    "DecisionResponse",
    "DefinitionRecord",
    "District",
    "Election",
    "ElectionBallot",
    "ElectionCandidate",
    "ElectionCount",
    "ElectionRound",
    "ExecutionTask",
    "Faction",
    "FactionMember",
    "ItemAttendance",
    "LoginThrottle",
    "Meeting",
    "Membership",
    "Motion",
    "MinutesSignature",
    "Municipality",
    "Notification",
    "OutboxAttachment",
    "PapersAccess",
    "OutboxMessage",
    "Person",
    "Proposal",
    "ProposalCounter",
    "Resolution",
    "User",
    "Vote",
]
