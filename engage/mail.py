"""Mail to residents, through one small interface with a backend chosen by MAIL_BACKEND.

    send_mail(to, subject, body) -> Message

Backends:

* ``file`` (the default): each message is written as an RFC 5322 ``.eml`` file under
  MAIL_FOLDER (default ``instance/mail``), and the log says that one was written (never to
  whom). A deployment hands that folder to its mail system, or swaps in a backend that speaks
  to one: a backend is a function ``(app, Message) -> None`` registered in ``BACKENDS``.
* ``memory`` (tests): messages are kept in the app's ``outbox`` list.

Nothing here reaches the network, so no test and no development machine sends real mail.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTPUTF8
from pathlib import Path

from flask import Flask, current_app


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def _file_backend(app: Flask, message: Message) -> None:
    folder = Path(app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    email = EmailMessage()
    email["From"] = app.config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    # An address with accented letters (the forms accept them) must reach the mail system as
    # UTF-8 for SMTPUTF8: the default policy writes MIME encoded-words, which nothing delivers.
    policy = email.policy if message.to.isascii() else SMTPUTF8.clone(linesep="\n")
    path.write_bytes(email.as_bytes(policy=policy))
    path.chmod(0o600)
    app.logger.info("mail written to %s", path.name)


def _memory_backend(app: Flask, message: Message) -> None:
    outbox(app).append(message)


BACKENDS: dict[str, Callable[[Flask, Message], None]] = {
    "file": _file_backend,
    "memory": _memory_backend,
}


def outbox(app: Flask) -> list[Message]:
    """The messages the memory backend has kept."""
    return app.extensions.setdefault("engage.outbox", [])


def send_mail(to: str, subject: str, body: str) -> Message:
    """Send one plain-text message through the configured backend."""
    message = Message(to, subject, body)
    app = current_app._get_current_object()
    BACKENDS[app.config["MAIL_BACKEND"]](app, message)
    return message
