"""Every page a signed-in admin and a resident can open, read for markup that assistive
technology trips on and axe-core does not report: a hint with no words (announced as an empty
description) and an ``aria-describedby`` or label ``for`` that names no element on the page."""

from html.parser import HTMLParser

from tests.views.test_security_everywhere import _urls
from tests.views.test_security_everywhere import seeded as seeded  # noqa: F401 - a fixture


class _Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[str, str]] = []  # (attribute, id)
        self.hints: list[list[str]] = []  # the text of each open hint
        self.empty_hints: list[str] = []
        self.depth: list[bool] = []  # for each open div: is it a hint?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby"):
            self.references += [(name, ref) for ref in (attrs.get(name) or "").split()]
        if tag == "label" and attrs.get("for"):
            self.references.append(("for", attrs["for"]))
        if tag == "div":
            is_hint = "govuk-hint" in (attrs.get("class") or "").split()
            self.depth.append(is_hint)
            if is_hint:
                self.hints.append([attrs.get("id") or "(no id)"])

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            if self.depth.pop():
                hint = self.hints.pop()
                if not "".join(hint[1:]).strip():
                    self.empty_hints.append(hint[0])

    def handle_data(self, data):
        for hint in self.hints:
            hint.append(data)


def _problems(html: str) -> list[str]:
    page = _Structure()
    page.feed(html)
    found = [f"empty hint {h}" for h in page.empty_hints]
    found += [f"{name}={ref} names nothing" for name, ref in page.references if ref not in page.ids]
    return found


def test_the_checks_find_what_they_look_for():
    html = (
        '<div class="govuk-hint" id="h"> </div><label for="x">X</label>'
        '<input id="y" aria-describedby="h gone"><div class="govuk-hint" id="ok">Words</div>'
    )
    assert _problems(html) == [
        "empty hint h",
        "for=x names nothing",
        "aria-describedby=gone names nothing",
    ]


def test_no_page_has_an_empty_hint_or_a_reference_to_nothing(app, client, seeded, login_as):
    login_as("admin")
    checked, problems = 0, {}
    for _rule, method, path in _urls(app, seeded):
        if method != "GET":
            continue
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        if found := _problems(response.get_data(as_text=True)):
            problems[path] = found
    assert checked >= 40
    assert not problems, problems
