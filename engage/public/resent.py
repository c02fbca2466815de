"""What this browser sent lately, so that a form sent again with a fresh token (Back, then Send:
the browser fetches the form again, so the token is new, but refills what was typed) stores one
submission. The session holds a keyed digest of each submission's content, never the text."""

import hashlib
import hmac
import json
import time

from flask import current_app, session

_SESSION_KEY = "sent"
_KEEP = 20


def content_digest(purpose: str, *parts) -> str:
    """A digest of what a form said, for one purpose (a consultation's wishes, a priority's
    comments, a competition's entries). Keyed, so the cookie does not reveal short texts."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    message = json.dumps([purpose, *parts], ensure_ascii=False, sort_keys=True).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def sent_before(digest: str) -> int | None:
    """The id of what this browser sent with this content, within a form token's lifetime."""
    return next((ident for d, ident, _at in _recent() if d == digest), None)


def remember_sent(digest: str, ident: int) -> None:
    """Remember that this content was stored as `ident`, for as long as a form token lives."""
    kept = [entry for entry in _recent() if entry[0] != digest][-(_KEEP - 1) :]
    session[_SESSION_KEY] = [*kept, [digest, ident, int(time.time())]]


def _recent() -> list:
    oldest = time.time() - current_app.config["FORM_TOKEN_MAX_AGE"]
    entries = session.get(_SESSION_KEY, [])
    return [e for e in entries if isinstance(e, list) and len(e) == 3 and e[2] >= oldest]
