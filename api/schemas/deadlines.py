"""Shapes of Fristen and in-app notifications."""

from __future__ import annotations

from datetime import date, datetime

from api.schemas.common import Input, Output, RequiredReason


class DeadlineRead(Output):
    id: int
    instance_type: str
    instance_id: int
    municipality_id: int | None
    rule: str
    label: str
    due_date: date
    status: str
    explanation: str
    opened_at: datetime
    closed_at: datetime | None
    waived_reason: str | None


class DeadlinesRead(Output):
    data: list[DeadlineRead]
    count: int
    next_cursor: str | None


class DeadlineWaive(Input):
    reason: RequiredReason


class NotificationRead(Output):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    instance_type: str | None
    instance_id: int | None
    deadline_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationsRead(Output):
    data: list[NotificationRead]
    count: int
    next_cursor: str | None
