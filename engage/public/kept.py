"""What a resident typed, given back on a page that could not take it (the consultation closed
while they typed, or their browser did not send the site's cookie), so nothing is lost."""

from flask import request

# Hidden and machine fields, and the honeypot: nothing a resident typed.
_NOT_TYPED = {"csrf_token", "form_token", "held_photo", "website", "skip"}
_TEXT_FIELDS = {"StringField", "TextAreaField", "EmailField"}


def typed_texts(form) -> list[tuple[str, str]]:
    """(label, text) for every field of the form the resident filled in."""
    texts = []
    for field in form:
        if field.name in _NOT_TYPED:
            continue
        if field.type in _TEXT_FIELDS and field.data:
            texts.append((field.label.text, str(field.data)))
        elif field.type == "RadioField" and field.data:
            chosen = next((o.label.text for o in field if o.checked), None)
            texts.append((field.label.text, chosen or str(field.data)))
    return texts


def posted_texts() -> list[tuple[str, str]]:
    """(name, text) for every field of the request's form the resident filled in, when the
    view's own form is not at hand."""
    return [
        (name.replace("_", " ").capitalize(), value)
        for name, value in request.form.items(multi=True)
        if name not in _NOT_TYPED and value.strip() and "password" not in name
    ]


def cookie_missing(form) -> bool:
    """Whether the form failed its CSRF check (the browser sent no session cookie, or one that no
    longer holds the token), with the error taken off the form: the page explains it instead."""
    field = getattr(form, "csrf_token", None)
    if field is None or not field.errors:
        return False
    field.errors = []
    return True
