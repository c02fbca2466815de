"""Helpers for tests that walk every page: the URL of each rule from seeded ids, the forms a
page has, and checks that a response shows no live markup from what was sent."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_INPUTS = {"text", "email", "search", "tel", "url", "password", "number", None}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> default value
    text_fields: dict[str, int | None] = field(default_factory=dict)  # name -> maxlength
    has_file: bool = False


class _Page(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url, self.forms, self.tags = url, [], []
        self._form, self._textarea, self._select = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "form":
            self._form = Form(a.get("action") or self.url, (a.get("method") or "get").upper())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._input(a)
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[a["name"]] = ""
            self._form.text_fields[a["name"]] = _int(a.get("maxlength"))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and self._select not in self._form.fields:
            self._form.fields[self._select] = a.get("value", "")
        elif tag == "button" and a.get("name") and a.get("name") != "skip":
            self._form.fields.setdefault(a["name"], a.get("value", ""))

    def _input(self, a):
        kind = a.get("type")
        name = a["name"]
        if kind == "file":
            self._form.has_file = True
        elif kind in ("radio", "checkbox"):
            if name not in self._form.fields or "checked" in a:
                self._form.fields[name] = a.get("value", "y")
        elif kind in TEXT_INPUTS and name not in ("csrf_token", "form_token", "website"):
            self._form.fields[name] = a.get("value", "")
            self._form.text_fields[name] = _int(a.get("maxlength"))
        else:
            self._form.fields[name] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _int(value):
    return int(value) if value and value.isdigit() else None


def parse(html: str, url: str) -> _Page:
    page = _Page(url)
    page.feed(html)
    return page


_JS_URL = re.compile(r"^[\s\x00-\x20]*(javascript|vbscript|data:text/html)", re.I)


def live_markup(html: str, known_tags: set[str], nonce: str | None) -> list[str]:
    """What in a page could run or inject: an on* attribute, a javascript: URL, a script
    without this response's nonce, or an element no page of ours ever has."""
    problems = []
    for tag, attrs in parse(html, "/").tags:
        if tag not in known_tags:
            problems.append(f"unknown element <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and _JS_URL.match(
                value or ""
            ):
                problems.append(f"<{tag} {name}={value[:30]}>")
        if tag == "script" and not (
            (nonce and attrs.get("nonce") == nonce)
            or (attrs.get("src") or "").startswith("/static/")
        ):
            problems.append("<script> without the nonce")
    return problems


def nonce_of(response) -> str | None:
    found = re.search(r"'nonce-([\w-]+)'", response.headers.get("Content-Security-Policy", ""))
    return found.group(1) if found else None
