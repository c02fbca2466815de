"""One-time form tokens: a retried or double-clicked POST carries the same token and so stores
one submission. Tokens are signed, so a client cannot invent one, and carry their issue time."""

import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from engage.errors import InvalidFormToken

_SALT = "engage.form-token"


def issue_form_token(secret_key: str, purpose: str) -> str:
    """A fresh signed token for one form of the given purpose (e.g. a consultation slug)."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
    return serializer.dumps({"n": secrets.token_urlsafe(16), "p": purpose})


def check_form_token(secret_key: str, token: str | None, purpose: str, max_age: int) -> str:
    """Return the token's nonce if it is genuine, for this purpose and not expired."""
    if not token:
        raise InvalidFormToken("This form is missing its token. Go back, reload it and try again.")
    serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidFormToken(
            "This form was open for too long. Check your answers and send them again."
        ) from error
    except BadSignature as error:
        raise InvalidFormToken(
            "This form's token is not valid. Reload the form and try again."
        ) from error
    if not isinstance(payload, dict) or payload.get("p") != purpose or not payload.get("n"):
        raise InvalidFormToken("This form's token is not for this page. Reload it and try again.")
    return str(payload["n"])


def new_form_token(purpose: str) -> str:
    """A fresh token for a form of this app (signed with its secret key)."""
    return issue_form_token(current_app.secret_key, purpose)


def form_token_nonce(token: str | None, purpose: str) -> str:
    """The nonce of a token this app issued, if it is younger than FORM_TOKEN_MAX_AGE."""
    return check_form_token(
        current_app.secret_key, token, purpose, current_app.config["FORM_TOKEN_MAX_AGE"]
    )
