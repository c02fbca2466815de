"""A revision filled from an import file (confirmed, as it replaces the copied priorities):
priorities keep the keys the file keeps, with their cited wishes, and the changes page lists
only what really changed. Also the comment period's last day as the administrator entered it,
and the settings form after a refused revision."""

import io
import re
from datetime import UTC, datetime

import pytest

from engage.extensions import db
from engage.models import StrategyVersion
from engage.services.strategy import get_priority_in
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import publish
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish
from tests.strategy_factories import DEMO_FILE, make_strategy

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def _post(client, page_url, url, data, **kwargs):
    page = client.get(page_url)
    return client.post(url, data={**hidden_fields(page.text), **data}, **kwargs)


def _cells(page: str, label: str) -> int:
    return page.count(f'<td class="govuk-table__cell">{label}</td>')


def test_an_import_into_a_revision_keeps_the_keys_and_cited_wishes(client, admin):
    consultation = make_consultation(slug="derby")
    strategy = make_strategy(consultation, published=False)
    first = strategy.versions[0]
    wish = make_wish(consultation, text="A youth club open at weekends")
    cite_wishes(get_priority_in(first, "places-for-young-people"), [wish])
    publish(first, "consultation")
    db.session.commit()
    keys = [p.key for p in first.priorities]

    settings = f"/staff/admin/strategy/{strategy.id}"
    assert _post(client, settings, f"{settings}/revisions", {}).status_code == 303
    revision = db.session.query(StrategyVersion).filter_by(number=2).one()
    url = f"/staff/admin/strategy/versions/{revision.id}"
    content = DEMO_FILE.read_bytes().replace(
        b"title: Feeling safe at night", b"title: Safe streets at night"
    )
    upload = {"strategy_file": (io.BytesIO(content), "strategy.yaml")}
    asked = _post(client, url, f"{url}/import", upload, content_type="multipart/form-data")
    assert asked.status_code == 200 and "Replace the themes and priorities" in asked.text
    imported = client.post(f"{url}/import/confirm", data=hidden_fields(asked.text))
    assert imported.status_code == 303

    db.session.expire_all()
    revision = db.session.get(StrategyVersion, revision.id)
    assert [p.key for p in revision.priorities] == keys
    places = get_priority_in(revision, "places-for-young-people")
    assert [e.wish_id for e in places.evidence] == [wish.id]
    changes = client.get(f"{url}/changes").text
    assert _cells(changes, "Added") == 0 and _cells(changes, "Removed") == 0
    assert _cells(changes, "Changed") == 1 and _cells(changes, "No change") == len(keys) - 1
    assert "Safe streets at night" in changes


def test_the_comment_period_shows_the_last_day_entered(client, admin):
    strategy = make_strategy(make_consultation(slug="derby"))
    db.session.commit()
    url = f"/staff/admin/strategy/{strategy.id}"
    dates = {"opens": ["01", "01", "2027"], "closes": ["31", "01", "2027"]}
    saved = _post(client, url, url, {"title": strategy.title, **dates})
    assert saved.status_code == 303
    listed = client.get("/staff/admin/strategy").text
    assert "1 January 2027 to 31 January 2027" in listed and "February" not in listed


def test_the_public_contents_page_shows_the_last_day_comments_were_taken(client, app):
    strategy = make_strategy(make_consultation(slug="derby"))
    # The last day entered was 23 November 2026: comments close at the end of it (GMT).
    strategy.comments_open_at = datetime(2026, 11, 1, tzinfo=UTC)
    strategy.comments_close_at = datetime(2026, 11, 24, tzinfo=UTC)
    db.session.commit()
    page = client.get("/consultations/derby/strategy").text
    assert "Comments on this draft closed on 23 November 2026" in page


def test_the_public_contents_page_says_until_the_last_day(client, app):
    strategy = make_strategy(make_consultation(slug="derby"))
    strategy.comments_open_at = datetime(2026, 1, 1, tzinfo=UTC)
    strategy.comments_close_at = datetime(2099, 11, 24, tzinfo=UTC)
    db.session.commit()
    page = client.get("/consultations/derby/strategy").text
    assert "open for comments until the end of 23 November 2099" in page


def _date_parts(page: str, name: str) -> list[str]:
    """The day, month and year shown in a GOV.UK date input."""
    found = re.findall(rf'<input[^>]*id="{name}-(?:day|month|year)"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in found]


def test_a_refused_revision_keeps_the_comment_period_in_the_settings_form(client, admin):
    strategy = make_strategy(make_consultation(slug="derby"), published=False)
    publish(strategy.versions[0], "final")  # a final version cannot be revised
    strategy.comments_open_at = datetime(2027, 1, 1, tzinfo=UTC)
    strategy.comments_close_at = datetime(2027, 2, 1, tzinfo=UTC)
    db.session.commit()
    settings = f"/staff/admin/strategy/{strategy.id}"
    assert _date_parts(client.get(settings).text, "closes") == ["31", "01", "2027"]
    again = _post(client, settings, f"{settings}/revisions", {})
    assert again.status_code == 400 and "it cannot be revised" in again.text
    assert _date_parts(again.text, "opens") == ["01", "01", "2027"]
    assert _date_parts(again.text, "closes") == ["31", "01", "2027"]
    assert f'value="{strategy.title}"' in again.text
