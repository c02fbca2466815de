"""Every line of the hostile-string lists (tests/data/payloads, from ../shared/payloads) through
every text field of every form, and every query parameter, of the public and staff pages, and
every export: never a 500, never live markup in a page, never a spreadsheet cell that starts
with = + - @.

The forms are found, not listed: the test walks app.url_map (tests/views/crawl.py), reads each
page's forms, and follows each successful POST's redirect to find the next step's forms (about
you, the equalities questions). Lines go through in batches joined by newlines, up to a
character budget per request (about twenty requests per field). Query parameters are found by
asking each page with every candidate name and noting which names it reads; each of those gets
every line too. The counts are printed at the end.
"""

import csv
import io
import re
from urllib.parse import urlsplit

import openpyxl
import pytest
from werkzeug.datastructures import ImmutableMultiDict

from engage.extensions import db
from engage.models import ModerationStatus
from tests.conftest import payload_lines
from tests.views.crawl import live_markup, nonce_of, parse
from tests.views.test_security_everywhere import _urls
from tests.views.test_security_everywhere import seeded as seeded  # noqa: F401 - a fixture

FIELD_BUDGET = 12000
QUERY_BUDGET = 16000
# Forms that would end the session, or start a long analysis run, on every request.
SKIP_ACTIONS = ("/staff/sign-out", "/staff/workspace/")
QUERY_PARAMS = (
    "page",
    "q",
    "area",
    "flag",
    "channel",
    "consultation",
    "competition",
    "from",
    "to",
    "next",
    "run",
    "theme",
    "dimension",
    "sort",
    "status",
    "kind",
)
DANGEROUS = ("=", "+", "-", "@")
# A cell that is only a number ("-0.0017", a score) is read as that number, never run.
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def batches(lines: list[str], budget: int) -> list[str]:
    out, current, size = [], [], 0
    for line in lines:
        if current and size + len(line) + 1 > budget:
            out.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    return [*out, "\n".join(current)] if current else out


class Suite:
    def __init__(self, client, known_tags):
        self.client, self.known_tags = client, known_tags
        self.requests = 0
        self.values = 0

    def check(self, response, what):
        self.requests += 1
        assert response.status_code < 500, what
        if response.mimetype == "text/html":
            problems = live_markup(response.text, self.known_tags, nonce_of(response))
            assert not problems, (what, problems[:3])
        response.close()

    def get_pages(self, paths):
        forms = {}
        for path in paths:
            response = self.client.get(path)
            self.check(response, path)
            if response.status_code == 200 and response.mimetype == "text/html":
                for form in parse(response.text, path).forms:
                    forms.setdefault((form.method, urlsplit(form.action).path), (form, path))
        return forms


def _known_tags(client, paths) -> set[str]:
    tags = set()
    for path in paths:
        response = client.get(path)
        if response.mimetype == "text/html":
            tags |= {tag for tag, _ in parse(response.text, path).tags}
    return tags


def _html_get_paths(app, seeded):
    return [path for rule, method, path in _urls(app, seeded) if method == "GET"]


def _discover(suite, forms):
    """Send each POST form once with plain text, and read the forms of the page it leads to
    (about you, the equalities questions): every step of every journey, not just the first."""
    found, tried = dict(forms), set()
    queue = list(forms.values())
    while queue:
        form, _page = queue.pop(0)
        action = urlsplit(form.action).path
        if form.method != "POST" or action in tried or action in SKIP_ACTIONS:
            continue
        tried.add(action)
        plain = {name: "Plain words 12" for name in form.text_fields}
        response = suite.client.post(action, data={**form.fields, **plain})
        suite.check(response, (action, "plain"))
        if response.status_code in (302, 303) and response.location.startswith("/"):
            for key, value in suite.get_pages([response.location]).items():
                if key not in found:
                    found[key] = value
                    queue.append(value)
    return found


def _post_every_field(suite, forms, lines):
    done = set()
    for form, _page in forms.values():
        action = urlsplit(form.action).path
        if form.method != "POST" or action in done or action in SKIP_ACTIONS:
            continue
        done.add(action)
        for name in form.text_fields:
            for value in batches(lines, FIELD_BUDGET):
                response = suite.client.post(action, data={**form.fields, name: value})
                suite.values += value.count("\n") + 1
                suite.check(response, (action, name))
    return done


class _Recording(ImmutableMultiDict):
    """Query arguments that note which names a view reads."""

    read: set[str] = set()

    def get(self, key, *args, **kwargs):
        _Recording.read.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        _Recording.read.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        _Recording.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _Recording.read.add(key)
        return super().__contains__(key)


def parameters_read(client, app, monkeypatch, path, candidates) -> set[str]:
    """The query parameters the page at path reads (found by asking it with all of them)."""
    monkeypatch.setattr(app.request_class, "parameter_storage_class", _Recording)
    _Recording.read = set()
    client.get(path, query_string=dict.fromkeys(candidates, "1")).close()
    monkeypatch.undo()
    return set(_Recording.read)


def _query_every_parameter(suite, app, monkeypatch, forms, paths, lines):
    candidates = set(QUERY_PARAMS)
    for form, _page in forms.values():
        if form.method == "GET":
            candidates |= set(form.fields)
    found = {}
    for path in paths:
        found[path] = parameters_read(suite.client, app, monkeypatch, path, candidates)
        for value in batches(lines, QUERY_BUDGET) if found[path] else []:
            response = suite.client.get(path, query_string=dict.fromkeys(found[path], value))
            suite.values += (value.count("\n") + 1) * len(found[path])
            suite.check(response, (path, "query"))
    return {(path, name) for path, names in found.items() for name in names}


@pytest.fixture
def hostile(app, seeded, client):
    """Published wishes and comments made of the hostile lines, so every list shows them."""
    from engage.models import Consultation, Priority
    from tests.factories import make_wish
    from tests.strategy_factories import make_comment

    consultation = db.session.query(Consultation).filter_by(slug="derby").one()
    priority = db.session.get(Priority, seeded["ints"]["priority_id"])
    lines = payload_lines()
    for text in lines[:: max(1, len(lines) // 40)]:
        make_wish(consultation, text=text[:500], status=ModerationStatus.PENDING)
        make_wish(consultation, text=text[:500])
        make_comment(priority, text[:1000], status=ModerationStatus.PENDING)
    db.session.commit()
    return lines


def test_every_field_and_parameter(app, client, seeded, hostile, login_as, capsys, monkeypatch):
    from engage.services.rights import create_link

    token = create_link("sam@example.com", hours=1)
    db.session.commit()
    login_as("admin")
    paths = [*_html_get_paths(app, seeded), f"/your-data/{token}"]
    suite = Suite(client, _known_tags(client, paths))
    forms = _discover(suite, suite.get_pages(paths))
    # Plain words have been through every form, publishing a revision of the strategy: the
    # elements of pages that only then appear (quotes on "you said, we did") are ours too.
    suite.known_tags |= _known_tags(client, paths)
    posted = _post_every_field(suite, forms, hostile)
    params = _query_every_parameter(suite, app, monkeypatch, forms, paths, hostile)
    again = suite.get_pages(paths)  # every page again, now holding what was sent
    assert ("/consultations/derby/wall", "q") in params and ("/staff/queue", "flag") in params
    public = {
        "/consultations/derby/wishes/new",
        "/consultations/derby/wishes/about-you",
        "/your-data",
        "/staff/sign-in",
        "/staff/cards/new",
        "/staff/admin/users",
    }
    assert public <= posted and len(posted) >= 20 and len(again) >= 15, sorted(posted)
    with capsys.disabled():
        print(
            f"\npayload suite: {len(hostile)} lines; {len(posted)} POST forms, "
            f"{len(params)} (page, query parameter) pairs over {len(paths)} pages; "
            f"{suite.requests} requests carrying {suite.values} payload values; 0 errors"
        )


def test_exports_have_no_formula_cells(app, client, login_as):
    from tests.factories import make_area
    from tests.workspace_factories import make_consultation_with_wishes, make_wishes, run_analysis

    consultation = make_consultation_with_wishes(n=60)
    lines = [line for line in payload_lines() if line.strip()][:400:2]
    for wish, text in zip(make_wishes(consultation, n=len(lines)), lines, strict=True):
        wish.text = text[:500]
    make_area(name='=HYPERLINK("http://x")')
    db.session.commit()
    run = run_analysis(consultation)
    login_as("strategy")
    cells = 0
    for name in ("themes.csv", "assignments.csv"):
        response = client.get(f"/staff/workspace/runs/{run.id}/{name}")
        assert response.status_code == 200
        for row in csv.reader(io.StringIO(response.get_data(as_text=True))):
            for cell in row:
                cells += 1
                assert not cell.startswith(DANGEROUS) or NUMBER.fullmatch(cell), (name, cell)
    workbook = client.get(f"/staff/workspace/runs/{run.id}/themes.xlsx")
    # A spreadsheet runs a cell as a formula by its type, not its first character: text is
    # stored as text, and text a spreadsheet would take for a formula when edited ("- more
    # buses") carries the quote-prefix style that keeps it text.
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cells += 1
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str) and cell.value.startswith(DANGEROUS):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert cells > 500


def test_the_checks_catch_live_markup():
    known = {"html", "body", "p", "script", "a"}
    page = '<html><body><p>{}</p><script nonce="n1">ok()</script></body></html>'
    assert live_markup(page.format("&lt;svg onload=x&gt;"), known, "n1") == []
    for bad in ('<svg onload="x">', "<script>x()</script>", '<a href=" javascript:x">'):
        assert live_markup(page.format(bad), known, "n1"), bad
