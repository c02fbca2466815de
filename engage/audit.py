"""The audit log of staff actions: one JSON object per line, UTC, with no personal data.

What is recorded: sign-in (succeeded, failed, signed out), moderation decisions, exports and
downloads, changes to staff accounts, and criteria and judges taken off a photo competition
(by their ids: a criterion's name is free text). Each line has ``at`` (ISO 8601, UTC),
``event``, the acting account's id and role (never a name or an email), and the event's own
fields: ids, actions, reasons, counts, endpoints. Never free text, a password, a code, an
email address or a client address: ``record`` refuses fields it does not know.

The file is AUDIT_LOG (default ``instance/audit.log``); each line is written with one
``write`` in append mode, so lines from several worker processes do not interleave.

Exports: every staff response that is a download (``Content-Disposition: attachment``) is
recorded as an ``export`` by the hook that ``register`` installs, so new export views are
covered without a call of their own. A view that exports in another way can call
``record_export(kind, **ids)`` itself.
"""

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app, request

EVENTS = {
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "decision",
    "export",
    "user_created",
    "user_disabled",
    "user_enabled",
    "user_sign_in_reset",
    "retention",
    "rights_erasure",
    "criterion_removed",
    "judge_removed",
}
# Fields an event may carry: identifiers and codes only.
FIELDS = {
    "stage",
    "entry_type",
    "entry_ids",
    "action",
    "reason",
    "count",
    "endpoint",
    "args",
    "target_user",
    "target_role",
    "counts",
    "kind",
    "competition",
    "criterion",
    "appointment",
}
_lock = threading.Lock()


class AuditFieldError(ValueError):
    """A field the audit log does not take (it might hold personal data)."""


def _actor() -> dict:
    from flask_login import current_user

    try:
        user = current_user.user if current_user.is_authenticated else None
    except (AttributeError, RuntimeError):
        user = None
    return {"actor": user.id, "role": user.role.value} if user is not None else {}


def record(event: str, *, actor=None, now: datetime | None = None, **fields) -> dict:
    """Append one line for ``event``; ``actor`` defaults to the signed-in member of staff."""
    if event not in EVENTS:
        raise AuditFieldError(f"unknown audit event {event!r}")
    unknown = set(fields) - FIELDS
    if unknown:
        raise AuditFieldError(f"audit fields not allowed: {sorted(unknown)}")
    line = {"at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(), "event": event}
    if actor is not None:
        line.update(actor=actor.id, role=actor.role.value)
    else:
        line.update(_actor())
    line.update(fields)
    _append(json.dumps(line, sort_keys=True, default=str))
    return line


def record_decision(entry_type: str, entries, action: str, reason: str | None) -> dict:
    """A moderation decision on one or more entries (the note, which is free text, is not
    recorded: the decision log in the database keeps it)."""
    return record(
        "decision",
        entry_type=entry_type,
        entry_ids=sorted(e.id for e in entries),
        action=action,
        reason=(reason or None) if action == "reject" else None,  # a reason is a rejection's
        count=len(entries),
    )


def record_export(kind: str, **ids) -> dict:
    """For an export that is not a plain download response: record it by kind and ids."""
    return record("export", kind=kind, args={k: int(v) for k, v in ids.items()})


def _append(text: str) -> None:
    path = Path(current_app.config["AUDIT_LOG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (text + "\n").encode("utf-8")
    with _lock:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)


def register(app: Flask) -> None:
    """Record every download a member of staff receives."""

    @app.after_request
    def _exports(response):
        disposition = response.headers.get("Content-Disposition", "")
        if disposition.startswith("attachment") and request.blueprint not in (None, "public"):
            args = {k: v for k, v in (request.view_args or {}).items() if isinstance(v, int)}
            if _actor():
                record("export", endpoint=request.endpoint, args=args)
        return response
