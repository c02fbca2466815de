"""Every line of the public hostile-string lists (tests/data/payloads, from ../shared/payloads)
through the wishes form and the wish wall's search: never a 500, never unescaped markup."""

from html.parser import HTMLParser

import pytest

from engage.extensions import db
from engage.models import ModerationStatus, Wish
from tests.conftest import hidden_fields, payload_lines
from tests.factories import make_consultation


class _Tags(HTMLParser):
    """The tags and attribute names a page really has, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        self.found.add((tag, tuple(sorted(name for name, _ in attrs))))


def _tags(html: str) -> set:
    parser = _Tags()
    parser.feed(html)
    return parser.found


def _injected(html: str, baseline: set) -> set:
    """Tags or attributes that the page with hostile text has and the same page without lacks."""
    return _tags(html) - baseline


@pytest.fixture(scope="module")
def payloads():
    return payload_lines()


def test_payload_lists_are_all_there(payloads):
    assert len(payloads) > 3500


def _send(client, texts):
    data = hidden_fields(client.get("/consultations/derby/wishes/new").text)
    data.update({f"wish_{n}": text for n, text in enumerate(texts, start=1)})
    return client.post("/consultations/derby/wishes/new", data=data)


def test_payloads_through_the_wishes_form(app, client, payloads):
    make_consultation(slug="derby")
    db.session.commit()
    _send(client, ["Plain wish one", "Plain wish two", "Plain wish three"])
    sent_baseline = _tags(client.get("/consultations/derby/wishes/sent").text)
    error_baseline = _tags(_send(client, ["x" * 501, "y", "z"]).text)
    stored = 0
    for start in range(0, len(payloads), 3):
        chunk = payloads[start : start + 3]
        response = _send(client, chunk)
        assert response.status_code in (303, 400), chunk
        if response.status_code == 303:
            stored += 1
            page = client.get("/consultations/derby/wishes/sent")
            assert page.status_code == 200
            assert not _injected(page.text, sent_baseline), chunk
        else:
            assert not _injected(response.text, error_baseline), chunk
    assert stored > len(payloads) // 3 * 0.9


def test_payloads_through_the_wall(app, client, payloads):
    consultation = make_consultation(slug="derby")
    plain = make_consultation(slug="plain")
    for n, text in enumerate(payloads[:400]):
        for target, words in ((consultation, text), (plain, f"Plain wish {n}")):
            db.session.add(
                Wish(
                    position=1,
                    text=words,
                    search_key=" ",
                    status=ModerationStatus.APPROVED,
                    submission=_submission(target),
                )
            )
    db.session.commit()
    baseline = set()
    for query in ("page=1", "page=2", "page=10", "page=20", "q=nothing", "q=" + "x" * 300):
        baseline |= _tags(client.get(f"/consultations/plain/wall?{query}").text)
    for page_number in range(1, 21):
        page = client.get(f"/consultations/derby/wall?page={page_number}")
        assert page.status_code == 200 and not _injected(page.text, baseline)
    for text in payloads:
        response = client.get("/consultations/derby/wall", query_string={"q": text, "area": text})
        assert response.status_code in (200, 400), text
        assert not _injected(response.text, baseline), text


def _submission(consultation):
    from engage.models import Submission
    from engage.services.references import new_reference

    return Submission(consultation=consultation, reference=new_reference("W"))
