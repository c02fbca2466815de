"""The theme pages and downloads show the further themes entries raise: a theme lists the
entries of other themes that raise it too, and the themes page counts them."""

import csv
import io
from html import escape

from engage.extensions import db
from engage.models import ThemeAssignment, Wish
from engage.services.analysis_runs import visible_themes
from tests.services.test_theme_mentions import LITTER, MIXED, PARKS, run  # noqa: F401


def _theme_of_text(text):
    return db.session.scalar(
        db.select(ThemeAssignment).where(
            ThemeAssignment.entry_id
            == db.select(Wish.id).where(Wish.text == text).scalar_subquery()
        )
    )


def test_a_theme_page_lists_the_entries_of_other_themes_that_raise_it(client, team, run):  # noqa: F811
    mixed = _theme_of_text(MIXED)
    own = mixed.theme
    parks = next(t for t in visible_themes(run) if t.id == _theme_of_text(PARKS[0]).theme_id)
    assert own.id != parks.id

    page = client.get(f"/staff/workspace/runs/{run.id}/themes")
    assert page.status_code == 200
    card = page.text[page.text.index(f'id="theme-{parks.id}"') :]
    assert "Also raised by 1 entry of other themes." in card[: card.index("</div>")]

    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{parks.id}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="also-raised"') :]
    assert "1 entry whose own theme is another also raises this one" in section
    assert f"not in this theme's {parks.size}" in section
    assert f"“{MIXED}”" in section
    assert escape(own.label) in section
    assert f'href="/staff/workspace/runs/{run.id}/themes/{own.id}"' in section
    # Its own theme's page lists it as a member, not as a mention.
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{own.id}")
    members, _, also = page.text.partition('id="also-raised"')
    assert MIXED in members and MIXED not in also
    # Beside it among the members: the theme it also raises, linked.
    hint = members[members.index(MIXED) :]
    hint = hint[: hint.index("</div>")]
    link = f'<a class="govuk-link" href="/staff/workspace/runs/{run.id}/themes/{parks.id}">'
    assert f"also raises {link}{escape(parks.label)}</a>" in hint

    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/staff/workspace/runs/{run.id}/assignments.csv").text)
        )
    )
    raised = {r["text"]: r["other themes it raises"] for r in rows}
    assert raised[MIXED].startswith(f"{parks.number} {parks.label} (0.")
    assert all(raised[text] == "" for text in LITTER)
    themes = list(
        csv.DictReader(io.StringIO(client.get(f"/staff/workspace/runs/{run.id}/themes.csv").text))
    )
    also = {int(r["theme"]): r["also raised by entries of other themes"] for r in themes}
    assert also[parks.number] == "1"
