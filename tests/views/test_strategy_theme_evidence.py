"""The draft strategy's evidence can cite a theme of the analysis as well as single wishes."""

from engage.extensions import db
from engage.models import PriorityEvidence
from engage.services.analysis_runs import visible_themes
from engage.services.strategy import get_priority_in
from engage.services.strategy_revisions import publish, start_revision
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.strategy_factories import make_strategy
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


def test_admin_cites_a_theme_and_a_revision_keeps_it(app, client):
    consultation = make_consultation_with_wishes(n=30)
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    theme = visible_themes(run)[0]
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/strategy/priorities/{priority.id}/evidence"
    page = client.get(url)
    assert f"Theme from analysis run {run.id}" in page.text
    token = hidden_fields(page.text)["csrf_token"]
    refused = client.post(f"{url}/themes", data={"csrf_token": token, "run_theme": "999999"})
    assert refused.status_code == 400 and "Choose a theme from the latest analysis" in refused.text
    # The refusal stays on the evidence page, where the admin was, with its search and themes.
    assert f"<title>Error: Wishes behind {priority.title}" in refused.text
    assert f"Theme from analysis run {run.id}" in refused.text
    response = client.post(f"{url}/themes", data={"csrf_token": token, "run_theme": theme.id})
    assert response.status_code == 303
    page = client.get(url)
    assert "Cited the theme" in page.text and 'id="cited-themes"' in page.text
    version_page = client.get(f"/staff/admin/strategy/versions/{strategy.versions[0].id}")
    assert "0 wishes and 1 theme cited" in version_page.text

    db.session.expire_all()
    publish(strategy.versions[0], "consultation")
    draft = start_revision(strategy)
    db.session.commit()
    copied = get_priority_in(draft, "feeling-safe-at-night")
    assert [e.run_theme_id for e in copied.evidence] == [theme.id]

    page = client.get(f"/staff/admin/strategy/priorities/{copied.id}/evidence")
    token = hidden_fields(page.text)["csrf_token"]
    response = client.post(
        f"/staff/admin/strategy/priorities/{copied.id}/evidence/themes/{theme.id}/remove",
        data={"csrf_token": token},
    )
    assert response.status_code == 303
    assert (
        db.session.scalar(
            db.select(db.func.count(PriorityEvidence.id)).where(
                PriorityEvidence.priority_id == copied.id
            )
        )
        == 0
    )


def test_residents_see_the_cited_themes_on_the_priority_and_you_said_pages(app, client):
    from html import escape

    consultation = make_consultation_with_wishes(n=30)
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    theme = visible_themes(run)[0]
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    db.session.add(PriorityEvidence(priority=priority, run_theme_id=theme.id))
    publish(strategy.versions[0], "consultation")
    db.session.commit()

    page = client.get(f"/consultations/{consultation.slug}/strategy/priorities/{priority.id}")
    assert page.status_code == 200 and 'id="themes"' in page.text
    assert f"{escape(theme.label)}: {theme.size} entries" in page.text

    final = start_revision(strategy)
    publish(final, "final")
    db.session.commit()
    page = client.get(f"/consultations/{consultation.slug}/strategy/you-said-we-did")
    assert page.status_code == 200
    section = page.text.split("Safer and Stronger Communities</h2>")[1].split("</section>")[0]
    assert "Themes the analysis found" in section and escape(theme.label) in section
