"""The evidence residents read on the draft strategy ("N wishes from M areas asked for this",
and the same line on "you said, we did") counts only wishes still published: a cited wish that an
officer later rejected (after a report, say) is neither listed nor counted."""

from engage.extensions import db
from engage.services.moderation import decide
from engage.services.strategy import get_priority_in
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import publish, record_change, start_revision
from tests.conftest import make_staff
from tests.factories import make_area, make_consultation, make_wish
from tests.strategy_factories import make_strategy


def _cited_strategy():
    consultation = make_consultation(slug="derby")
    abbey, spondon = make_area(), make_area()
    strategy = make_strategy(consultation, published=False)
    priority = strategy.versions[0].priorities[0]
    kept = make_wish(consultation, text="Lights on the river path", area=abbey)
    withdrawn = make_wish(consultation, text="Ring Jo on 07700 900123", area=spondon)
    cite_wishes(priority, [kept, withdrawn])
    publish(strategy.versions[0], "consultation")
    # Reported after the draft was published, and rejected by an officer.
    decide([withdrawn], "reject", make_staff(), reason="personal_data")
    db.session.commit()
    return strategy, priority


def test_a_rejected_wish_is_not_counted_on_the_priority_page(client, app):
    _strategy, priority = _cited_strategy()
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "Lights on the river path" in page and "07700 900123" not in page
    assert "1 wish from 1 area asked for this" in page


def test_a_priority_whose_wishes_were_all_rejected_claims_none(client, app):
    _strategy, priority = _cited_strategy()
    kept = next(e.wish for e in priority.evidence if e.wish.text.startswith("Lights"))
    decide([kept], "reject", make_staff(email="second@example.org"), reason="personal_data")
    db.session.commit()
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "asked for this" not in page and "Read the wishes" not in page


def test_you_said_we_did_counts_only_published_wishes(client, app):
    strategy, priority = _cited_strategy()
    revision = start_revision(strategy)
    changed = get_priority_in(revision, priority.key)
    changed.statement = "Brighter paths by the river, all night."
    record_change(
        revision, priority.key, kind="reworded", reason="You asked for lights.", user=None
    )
    publish(revision, "consultation")
    db.session.commit()
    page = client.get("/consultations/derby/strategy/you-said-we-did").text
    section = page[page.index(f'id="theme-{priority.theme.slug}"') :]
    assert "and 1 wish from 1 area behind its priorities" in section.split("</section>")[0]


def test_the_admin_sees_which_cited_wishes_are_not_counted(client, app, login_as):
    _strategy, priority = _cited_strategy()
    login_as("admin")
    page = client.get(f"/staff/admin/strategy/priorities/{priority.id}/evidence").text
    assert "1 wish from 1 area cited" in page
    listed = page[page.index('id="evidence-summary"') :]
    withdrawn = listed[listed.index("07700 900123") :]
    assert "Not published: not shown or counted" in withdrawn.split("</li>")[0]
    kept = listed[listed.index("Lights on the river path") :]
    assert "Not published" not in kept.split("</li>")[0]
