"""Paths of the web UI's downloads that e-mails link to. They are pages, not API routes: a
member who clicks in the mail signs in with the browser (no bearer token) and lands on the
file, and a public file opens without signing in."""

from __future__ import annotations


def sitzungsmappe(meeting_id: int | None) -> str:
    return f"/sitzungen/{meeting_id}/sitzungsmappe.pdf"


def attachment(attachment_id: int | None) -> str:
    return f"/anlagen/{attachment_id}"


def item_document(meeting_id: int | None, item_id: int | None, kind: str, fmt: str) -> str:
    return f"/sitzungen/{meeting_id}/top/{item_id}/dokumente/{kind}.{fmt}"
