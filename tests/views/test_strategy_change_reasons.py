"""Saying why a priority changed in a revision, when the priority cited an analysis theme (not
only single wishes): the page opens, offers only the published wishes it cited, and the reason
reaches residents on "you said, we did"."""

import pytest

from engage.extensions import db
from engage.services.analysis_runs import visible_themes
from engage.services.moderation import decide
from engage.services.strategy import get_priority_in
from engage.services.strategy_evidence import cite_theme, cite_wishes
from engage.services.strategy_revisions import publish, start_revision
from tests.conftest import hidden_fields, make_staff
from tests.strategy_factories import make_strategy
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

KEY = "feeling-safe-at-night"


pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def revision(app):
    consultation = make_consultation_with_wishes(n=30)
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    priority = get_priority_in(strategy.versions[0], KEY)
    cite_theme(priority, visible_themes(run)[0])
    kept, withdrawn = [w for s in consultation_submissions(consultation) for w in s.wishes][:2]
    cite_wishes(priority, [kept, withdrawn])
    publish(strategy.versions[0], "consultation")
    decide([withdrawn], "reject", make_staff(email="officer@example.org"), reason="off_topic")
    draft = start_revision(strategy)
    get_priority_in(draft, KEY).statement = "Lit paths, all night, in every ward."
    db.session.commit()
    return {"draft": draft, "kept": kept, "withdrawn": withdrawn}


def consultation_submissions(consultation):
    from engage.models import Submission

    return db.session.query(Submission).filter_by(consultation_id=consultation.id).all()


def test_the_reason_page_opens_for_a_priority_that_cited_a_theme(client, login_as, revision):
    login_as("admin")
    draft = revision["draft"]
    url = f"/staff/admin/strategy/versions/{draft.id}/changes/{KEY}"
    page = client.get(url)
    assert page.status_code == 200
    assert revision["kept"].text[:40] in page.text
    assert revision["withdrawn"].text[:40] not in page.text
    sent = client.post(
        url,
        data={
            **hidden_fields(page.text),
            "kind": "reworded",
            "reason": "You asked for lights in every ward.",
            "wishes": str(revision["kept"].id),
        },
    )
    assert sent.status_code == 303
    publish(db.session.get(type(draft), draft.id), "consultation")
    db.session.commit()
    said = client.get(f"/consultations/{draft.strategy.consultation.slug}/strategy/you-said-we-did")
    assert "You asked for lights in every ward." in said.text
