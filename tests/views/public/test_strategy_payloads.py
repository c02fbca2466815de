"""Every line of the public hostile-string lists (tests/data/payloads) through the comment form
and back out on the confirmation and the priority page: never a 500, never unescaped markup."""

import pytest

from engage.extensions import db
from engage.models import Comment, ModerationStatus
from tests.conftest import hidden_fields, payload_lines
from tests.factories import make_consultation
from tests.strategy_factories import make_comment, make_strategy
from tests.views.public.test_payloads import _injected, _tags


@pytest.fixture(scope="module")
def payloads():
    return payload_lines()


def _send(client, url, text, stance="oppose"):
    data = hidden_fields(client.get(url).text)
    return client.post(url, data={**data, "stance": stance, "text": text})


def test_payloads_through_the_comment_form(app, client, payloads):
    strategy = make_strategy(make_consultation(slug="derby"))
    priority = strategy.versions[0].priorities[0]
    db.session.commit()
    url = f"/consultations/derby/strategy/priorities/{priority.id}/comment"
    _send(client, url, "A plain comment")
    sent_baseline = _tags(client.get("/consultations/derby/strategy/comments/sent").text)
    # The page with each field in error: a question in error points at its message.
    error_baseline = _tags(_send(client, url, "x" * 1001).text)
    error_baseline |= _tags(_send(client, url, "x" * 1001, stance="maybe").text)
    stored = 0
    for start in range(0, len(payloads), 3):
        text = "\n".join(payloads[start : start + 3])
        response = _send(client, url, text, stance=text)  # hostile stances too
        assert response.status_code == 400, text
        assert not _injected(response.text, error_baseline), text
        response = _send(client, url, text)
        assert response.status_code in (303, 400), text
        if response.status_code == 303:
            stored += 1
            page = client.get("/consultations/derby/strategy/comments/sent")
            assert page.status_code == 200 and not _injected(page.text, sent_baseline), text
        else:
            assert not _injected(response.text, error_baseline), text
    assert stored > len(payloads) // 3 * 0.9
    assert db.session.query(Comment).count() == stored + 1


def test_payloads_as_published_comments(app, client, payloads):
    strategy = make_strategy(make_consultation(slug="derby"))
    hostile, plain = strategy.versions[0].priorities[:2]
    for n, text in enumerate(payloads[:600]):
        make_comment(hostile, text, status=ModerationStatus.APPROVED)
        make_comment(plain, f"Plain comment {n}", status=ModerationStatus.APPROVED)
    db.session.commit()
    baseline = _tags(client.get(f"/consultations/derby/strategy/priorities/{plain.id}").text)
    page = client.get(f"/consultations/derby/strategy/priorities/{hostile.id}")
    assert page.status_code == 200 and not _injected(page.text, baseline)
