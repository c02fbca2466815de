"""Nothing a resident sends is lost or stored twice, on the three resident forms (wishes, a
comment, a photo entry), with CSRF on: Back then Send again (a new form token, the same words),
a browser that sends no session cookie, and a consultation that closes while they type."""

import io
from datetime import timedelta

import pytest

from engage.extensions import db
from engage.models import Comment, PhotoEntry, Submission
from engage.models._types import utcnow
from tests import photo_files as pf
from tests.conftest import hidden_fields
from tests.factories import make_consultation
from tests.photo_factories import make_competition
from tests.strategy_factories import make_strategy
from tests.views.public.test_photos import FIELDS
from tests.views.public.test_strategy import priority_of

HOSTILE = '<script>alert("x")</script> & more'


pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def places(app):
    """A consultation with wishes and a strategy open for comments, and a photo competition."""
    consultation = make_consultation(slug="derby")
    strategy = make_strategy(consultation)
    competition = make_competition(slug="pics")
    db.session.commit()
    return consultation, strategy, competition


def _wishes(text):
    return "/consultations/derby/wishes/new", {"wish_1": text}


def _comment(strategy):
    url = f"/consultations/derby/strategy/priorities/{priority_of(strategy).id}/comment"
    return lambda text: (url, {"stance": "support", "text": text})


def _photo(text, photo=None):
    data = {**FIELDS, "title": text, "photo": (io.BytesIO(photo or pf.jpeg()), "photo.jpg")}
    return "/competitions/pics/enter", data


def _forms(strategy):
    """Each resident form: (what it stores, how to fill it in with a text)."""
    return [(Submission, _wishes), (Comment, _comment(strategy)), (PhotoEntry, _photo)]


def send(client, fill, text):
    """Open the form (a new token each time, as when Back fetches the page again) and send it."""
    url, data = fill(text)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={**hidden_fields(page.text), **data})


@pytest.mark.parametrize("form", [0, 1, 2], ids=["wishes", "comment", "photo"])
def test_back_and_send_again_stores_one_submission(client, places, form):
    model, fill = _forms(places[1])[form]
    first = send(client, fill, "More benches in the park")
    again = send(client, fill, "More benches in the park")
    assert first.status_code == again.status_code == 303
    assert db.session.query(model).count() == 1
    assert "We already have" in client.get(again.location).text
    other = send(client, fill, "Longer library opening hours")
    assert other.status_code == 303 and "We already have" not in client.get(other.location).text
    assert db.session.query(model).count() == 2


def test_a_different_photo_with_the_same_words_is_a_new_entry(client, places):
    send(client, _photo, "The park")
    send(client, lambda text: _photo(text, pf.png()), "The park")
    assert db.session.query(PhotoEntry).count() == 2


@pytest.mark.parametrize("form", [0, 1, 2], ids=["wishes", "comment", "photo"])
def test_without_the_session_cookie_the_form_comes_back_filled_in(app, places, form):
    model, fill = _forms(places[1])[form]
    blocked = app.test_client(use_cookies=False)
    response = send(blocked, fill, HOSTILE)
    assert response.status_code == 400
    assert "did not send this site’s cookie" in response.text
    assert "/cookies#turn-on" in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in response.text
    assert HOSTILE not in response.text
    assert db.session.query(model).count() == 0


def test_a_lost_cookie_keeps_the_wishes_and_the_form_can_be_sent_again(app, client, places):
    page = client.get("/consultations/derby/wishes/new")
    fields = hidden_fields(page.text)
    client.delete_cookie("session")  # the browser was closed and opened again
    url, data = _wishes("A bigger market")
    response = client.post(url, data={**fields, **data})
    assert response.status_code == 400 and "A bigger market" in response.text
    again = client.post(url, data={**hidden_fields(response.text), **data})
    assert again.status_code == 303
    assert db.session.query(Submission).count() == 1


def test_another_resident_form_without_the_cookie_gives_the_text_back(app, places):
    blocked = app.test_client(use_cookies=False)
    response = blocked.post(
        "/consultations/derby/strategy/comments/about-you",
        data={"postcode": "DE22 1AB", "email": HOSTILE, "csrf_token": "stale"},
    )
    assert response.status_code == 400
    assert "did not send this site’s cookie" in response.text and "DE22 1AB" in response.text
    assert HOSTILE not in response.text and "&lt;script&gt;" in response.text


def test_staff_forms_stay_under_csrf_protection(app, places):
    blocked = app.test_client(use_cookies=False)
    response = blocked.post(
        "/staff/sign-in", data={"email": "a@example.org", "password": "hunter2-secret"}
    )
    assert response.status_code == 400
    assert "There is a problem with your request" in response.text
    assert "did not send this site’s cookie" not in response.text
    assert "hunter2-secret" not in response.text and "a@example.org" not in response.text


def _close(consultation, strategy, competition):
    past = utcnow() - timedelta(minutes=1)
    consultation.closes_at = past
    strategy.comments_close_at = past
    competition.entries_close_at = past
    db.session.commit()


@pytest.mark.parametrize("form", [0, 1, 2], ids=["wishes", "comment", "photo"])
def test_closing_while_typing_gives_the_text_back(client, places, form):
    model, fill = _forms(places[1])[form]
    url, data = fill(HOSTILE)
    fields = hidden_fields(client.get(url).text)
    _close(*places)
    response = client.post(url, data={**fields, **data})
    assert response.status_code == 403
    assert "closed" in response.text and "What you wrote" in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in response.text
    assert HOSTILE not in response.text
    assert db.session.query(model).count() == 0
