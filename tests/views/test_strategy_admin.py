"""An administrator builds the draft strategy in the browser pages (test client, CSRF on):
sets it up, imports a file (and bad files), edits themes and priorities, cites wishes,
publishes, revises with a reason for every change, and publishes the final version."""

import io

import pytest

from engage.extensions import db
from engage.models import Priority, PriorityChange, Strategy, StrategyVersion
from engage.services.strategy import get_priority_in, remove_priority
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import record_change, start_revision
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_consultation, make_wish
from tests.strategy_factories import DEMO_FILE, make_comment, make_strategy

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def _post(client, page_url, url, data, **kwargs):
    page = client.get(page_url)
    return client.post(url, data={**hidden_fields(page.text), **data}, **kwargs)


def _upload(client, version_id, name, content):
    url = f"/staff/admin/strategy/versions/{version_id}"
    return _post(
        client,
        url,
        f"{url}/import",
        {"strategy_file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _dates(prefix, day, month, year):
    return {f"{prefix}": [str(day), str(month), str(year)]}


def test_set_up_import_and_publish_for_comment(client, admin):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    created = _post(
        client,
        "/staff/admin/strategy",
        "/staff/admin/strategy",
        {
            "consultation": str(consultation.id),
            "title": "Derby 2026",
            "summary": "Our draft",
            **_dates("opens", 1, 9, 2026),
            **_dates("closes", 30, 9, 2026),
        },
    )
    assert created.status_code == 303
    strategy = db.session.query(Strategy).one()
    assert strategy.comments_open_at.isoformat() == "2026-08-31T23:00:00+00:00"  # BST midnight
    assert strategy.comments_close_at.isoformat() == "2026-09-30T23:00:00+00:00"
    version = strategy.versions[0]
    imported = _upload(client, version.id, "strategy.yaml", DEMO_FILE.read_bytes())
    assert imported.status_code == 303
    assert "Imported 4 themes and 8 priorities" in client.get(imported.location).text
    published = _post(
        client,
        imported.location,
        f"/staff/admin/strategy/versions/{version.id}/publish",
        {"status": "consultation", "note": "The first draft"},
    )
    assert published.status_code == 303
    db.session.refresh(version)
    assert version.status == "consultation"
    assert "Feeling safe at night" in client.get("/consultations/derby/strategy").text


def test_set_up_refuses_bad_dates_and_a_second_strategy(client, admin):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    data = {"consultation": str(consultation.id), "title": "Derby 2026"}
    backwards = _post(
        client,
        "/staff/admin/strategy",
        "/staff/admin/strategy",
        {**data, **_dates("opens", 30, 9, 2026), **_dates("closes", 1, 9, 2026)},
    )
    assert backwards.status_code == 400 and "must close after it opens" in backwards.text
    missing = _post(client, "/staff/admin/strategy", "/staff/admin/strategy", data)
    assert missing.status_code == 400 and "Enter the date comments open" in missing.text
    assert db.session.query(Strategy).count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("strategy.yaml", b"themes: [\n", "not valid YAML"),
        ("strategy.yaml", b"themes: " + b"[" * 3000 + b"]" * 3000, "not valid YAML"),
        ("strategy.yaml", b"themes:\n  - title: A\nthemes: []\n", "themes: is given twice"),
        (
            "strategy.yaml",
            b"themes:\n  - title: A\n    priorities:\n      - title: T\n",
            "statement is missing",
        ),
        ("strategy.md", b"## No theme\n", "must come after its theme"),
        ("strategy.pdf", b"%PDF-1.4", "Choose a YAML"),
        ("strategy.yaml", b"\xff\xfe\x00\x00", "not UTF-8"),
    ],
)
def test_a_bad_import_changes_nothing(client, admin, name, content, message):
    strategy = make_strategy(make_consultation(slug="derby"), published=False)
    db.session.commit()
    version = strategy.versions[0]
    before = [p.title for p in version.priorities]
    response = _upload(client, version.id, name, content)
    assert response.status_code == 400
    assert message in response.text and "Error: " in response.text
    db.session.expire_all()
    assert [p.title for p in db.session.get(StrategyVersion, version.id).priorities] == before


def test_an_import_without_a_file_is_refused(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    url = f"/staff/admin/strategy/versions/{strategy.versions[0].id}"
    response = _post(client, url, f"{url}/import", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose the file to import" in response.text


def test_themes_and_priorities_are_edited_in_the_browser(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    version = strategy.versions[0]
    url = f"/staff/admin/strategy/versions/{version.id}"
    added = _post(client, url, f"{url}/themes", {"title": "Jobs and the Economy"})
    assert added.status_code == 303
    theme = version.themes[-1]
    db.session.refresh(version)
    theme = version.themes[-1]
    assert theme.title == "Jobs and the Economy"
    new_url = f"/staff/admin/strategy/themes/{theme.id}/priorities/new"
    empty = _post(client, new_url, new_url, {"theme": str(theme.id), "title": "Good jobs"})
    assert empty.status_code == 400 and "Enter the statement" in empty.text
    saved = _post(
        client,
        new_url,
        new_url,
        {
            "theme": str(theme.id),
            "title": "Good jobs",
            "statement": "We will bring well-paid jobs to Derby.",
            "outcome_measures": "Employment rate\n\nMedian pay",
        },
    )
    assert saved.status_code == 303
    priority = db.session.query(Priority).filter_by(title="Good jobs").one()
    assert priority.measures_list == ["Employment rate", "Median pay"]
    edit_url = f"/staff/admin/strategy/priorities/{priority.id}"
    _post(
        client,
        edit_url,
        edit_url,
        {
            "theme": str(theme.id),
            "title": "Good jobs for all",
            "statement": "Well-paid jobs in every area.",
        },
    )
    db.session.refresh(priority)
    assert priority.title == "Good jobs for all"
    refused = _post(client, url, f"/staff/admin/strategy/themes/{theme.id}/remove", {})
    assert refused.status_code == 400
    assert f"Remove or move the priorities of the theme {theme.title} first" in refused.text
    _post(client, url, f"/staff/admin/strategy/priorities/{priority.id}/remove", {})
    assert (
        _post(client, url, f"/staff/admin/strategy/themes/{theme.id}/remove", {}).status_code == 303
    )


def test_a_title_or_statement_of_only_spaces_is_refused(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    version = strategy.versions[0]
    themes = len(version.themes)
    url = f"/staff/admin/strategy/versions/{version.id}"
    blank = _post(client, url, f"{url}/themes", {"title": " \u200b\u00a0 "})
    assert blank.status_code == 400 and "<title>Error: " in blank.text
    assert 'href="#title">Enter the theme&#39;s title' in blank.text
    db.session.refresh(version)
    assert len(version.themes) == themes
    priority = version.priorities[0]
    edit_url = f"/staff/admin/strategy/priorities/{priority.id}"
    statement = priority.statement
    spaces = _post(
        client,
        edit_url,
        edit_url,
        {"theme": str(priority.theme_id), "title": "Safer streets", "statement": " \r\n\t "},
    )
    assert spaces.status_code == 400 and 'href="#statement">Enter the statement' in spaces.text
    db.session.refresh(priority)
    assert priority.statement == statement


def test_removing_a_priority_asks_first_and_names_what_goes(client, admin):
    consultation = make_consultation()
    buses = make_wish(consultation, text="More buses in the evening")
    strategy = make_strategy(consultation, published=False)
    db.session.flush()
    priority = get_priority_in(strategy.versions[0], "getting-around")
    cite_wishes(priority, [buses])
    db.session.commit()
    title = priority.title
    version_url = f"/staff/admin/strategy/versions/{strategy.versions[0].id}"
    remove_url = f"/staff/admin/strategy/priorities/{priority.id}/remove"
    assert f'href="{remove_url}"' in client.get(version_url).text
    page = client.get(remove_url)
    assert page.status_code == 200
    assert f"Remove the priority {title}?" in page.text
    assert "with its 1 cited wish. It cannot be undone" in page.text
    assert f'href="{version_url}">Cancel, keep it' in page.text
    assert db.session.get(Priority, priority.id) is not None  # asking changes nothing
    removed = client.post(remove_url, data=hidden_fields(page.text))
    assert removed.status_code == 303
    assert f"Removed the priority {title} from version 1" in client.get(version_url).text
    db.session.expire_all()
    assert get_priority_in(strategy.versions[0], "getting-around") is None


def test_publishing_twice_says_it_is_published_already(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    version = strategy.versions[0]
    url = f"/staff/admin/strategy/versions/{version.id}"
    form = {**hidden_fields(client.get(url).text), "status": "consultation"}
    first = client.post(f"{url}/publish", data=form)
    assert first.status_code == 303
    again = client.post(f"{url}/publish", data=form)  # a double click sends the same form
    assert again.status_code == 303 and again.location == first.location
    assert (
        "Version 1 was already published: published for comment" in client.get(again.location).text
    )
    final = client.post(f"{url}/publish", data={**form, "status": "final"})
    assert final.status_code == 400 and "Version 1 is published and cannot be changed" in final.text
    db.session.refresh(version)
    assert version.status == "consultation"


def test_starting_a_revision_twice_goes_on_to_the_same_draft(client, admin):
    strategy = make_strategy(make_consultation())
    db.session.commit()
    url = f"/staff/admin/strategy/{strategy.id}"
    form = hidden_fields(client.get(url).text)
    first = client.post(f"{url}/revisions", data=form)
    assert first.status_code == 303
    again = client.post(f"{url}/revisions", data=form)  # a double click sends the same form
    assert again.status_code == 303 and again.location == first.location
    assert "Version 2 was already started" in client.get(again.location).text
    db.session.expire_all()
    assert [v.number for v in db.session.get(Strategy, strategy.id).versions] == [1, 2]


def test_a_save_over_someone_elses_later_save_is_not_lost(app, client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    priority = get_priority_in(strategy.versions[0], "getting-around")
    url = f"/staff/admin/strategy/priorities/{priority.id}"
    theirs = app.test_client()
    sign_in(theirs, make_staff("admin"))
    mine = hidden_fields(client.get(url).text)  # both admins open the page
    their_form = hidden_fields(theirs.get(url).text)
    fields = {"theme": str(priority.theme_id), "title": "Getting around"}
    saved = theirs.post(url, data={**their_form, **fields, "statement": "Buses every hour."})
    assert saved.status_code == 303
    stale = client.post(url, data={**mine, **fields, "statement": "Trams every hour."})
    assert stale.status_code == 400 and "<title>Error: " in stale.text
    assert "Someone else saved this priority after you opened it" in stale.text
    assert "Buses every hour." in stale.text and "Trams every hour." in stale.text  # both shown
    db.session.refresh(priority)
    assert priority.statement == "Buses every hour."  # theirs is kept
    again = client.post(url, data={**hidden_fields(stale.text), **fields,
                                   "statement": "Trams every hour."})  # fmt: skip
    assert again.status_code == 303  # having seen theirs, saving again keeps mine
    db.session.refresh(priority)
    assert priority.statement == "Trams every hour."


def test_a_theme_or_priority_sent_twice_is_added_once(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    version = strategy.versions[0]
    url = f"/staff/admin/strategy/versions/{version.id}"
    form = {**hidden_fields(client.get(url).text), "title": "Jobs", "summary": "Good work"}
    assert client.post(f"{url}/themes", data=form).status_code == 303
    again = client.post(f"{url}/themes", data=form)  # a double click sends the same form
    assert again.status_code == 303
    assert "The theme Jobs is in version 1 already" in client.get(again.location).text
    db.session.refresh(version)
    assert [t.title for t in version.themes].count("Jobs") == 1
    theme = version.themes[-1]
    new_url = f"/staff/admin/strategy/themes/{theme.id}/priorities/new"
    form = {**hidden_fields(client.get(new_url).text), "theme": str(theme.id),
            "title": "Good jobs", "statement": "Well-paid jobs."}  # fmt: skip
    assert client.post(new_url, data=form).status_code == 303
    again = client.post(new_url, data=form)
    assert again.status_code == 303
    assert "The priority Good jobs is in Jobs already" in client.get(again.location).text
    db.session.refresh(theme)
    assert [p.title for p in theme.priorities] == ["Good jobs"]
    other = client.post(new_url, data={**form, "statement": "Jobs near home."})
    assert other.status_code == 303  # the same title saying something else is another priority
    db.session.refresh(theme)
    assert len(theme.priorities) == 2


def test_a_priority_others_were_merged_into_is_not_offered_for_removal(client, admin):
    strategy = make_strategy(make_consultation())
    draft = start_revision(strategy)
    gone, kept = draft.priorities[0], draft.priorities[1]
    remove_priority(gone)
    record_change(draft, gone.key, kind="merged", reason="One priority now", user=None,
                  merged_into=kept.key)  # fmt: skip
    db.session.commit()
    page = client.get(f"/staff/admin/strategy/priorities/{kept.id}/remove")
    assert page.status_code == 400 and "<title>Error: " in page.text
    assert f"Other priorities were merged into {kept.title}: change those first" in page.text
    assert "Remove the priority" not in page.text


def test_a_reason_recorded_by_someone_else_meanwhile_is_not_overwritten(app, client, admin):
    strategy = make_strategy(make_consultation())
    draft = start_revision(strategy)
    draft.priorities[0].statement = "Reworded for the revision."
    db.session.commit()
    key = draft.priorities[0].key
    url = f"/staff/admin/strategy/versions/{draft.id}/changes/{key}"
    theirs = app.test_client()
    sign_in(theirs, make_staff("admin"))
    mine = hidden_fields(client.get(url).text)  # both admins open the page
    their_form = hidden_fields(theirs.get(url).text)
    saved = theirs.post(url, data={**their_form, "kind": "reworded", "reason": "Clearer words."})
    assert saved.status_code == 303
    stale = client.post(url, data={**mine, "kind": "reworded", "reason": "You asked for it."})
    assert stale.status_code == 400 and "<title>Error: " in stale.text
    assert "Someone else recorded why this priority changed" in stale.text
    assert "Clearer words." in stale.text and "You asked for it." in stale.text
    db.session.expire_all()
    assert db.session.query(PriorityChange).filter_by(key=key).one().reason == "Clearer words."
    again = client.post(url, data={**hidden_fields(stale.text), "kind": "reworded",
                                   "reason": "You asked for it."})  # fmt: skip
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.query(PriorityChange).filter_by(key=key).one().reason == "You asked for it."


def test_a_theme_saved_by_someone_else_meanwhile_is_not_overwritten(app, client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    theme = strategy.versions[0].themes[0]
    url = f"/staff/admin/strategy/themes/{theme.id}"
    theirs = app.test_client()
    sign_in(theirs, make_staff("admin"))
    mine = hidden_fields(client.get(url).text)  # both admins open the page
    their_form = hidden_fields(theirs.get(url).text)
    saved = theirs.post(url, data={**their_form, "title": "Young people", "summary": "Theirs."})
    assert saved.status_code == 303
    stale = client.post(url, data={**mine, "title": "Children", "summary": "Mine."})
    assert stale.status_code == 400 and "<title>Error: " in stale.text
    assert "Someone else saved this theme after you opened it" in stale.text
    assert "Theirs." in stale.text and "Mine." in stale.text
    db.session.refresh(theme)
    assert (theme.title, theme.summary) == ("Young people", "Theirs.")
    again = client.post(url, data={**hidden_fields(stale.text), "title": "Children",
                                   "summary": "Mine."})  # fmt: skip
    assert again.status_code == 303
    db.session.refresh(theme)
    assert (theme.title, theme.summary) == ("Children", "Mine.")


def test_setting_up_a_strategy_twice_goes_on_to_it(client, admin):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    url = "/staff/admin/strategy"
    dates = {**_dates("opens", 1, 9, 2026), **_dates("closes", 30, 9, 2026)}
    form = {**hidden_fields(client.get(url).text), "consultation": str(consultation.id),
            "title": "Derby 2026", **dates}  # fmt: skip
    assert client.post(url, data=form).status_code == 303
    again = client.post(url, data=form)  # a double click sends the same form
    strategy = db.session.query(Strategy).one()
    assert again.status_code == 303
    assert again.location == f"/staff/admin/strategy/{strategy.id}"
    assert "Derby 2026 is set up already" in client.get(again.location).text
    other = client.post(url, data={**form, "title": "Another"})
    assert other.status_code == 400 and "already has a strategy" in other.text


def test_a_save_of_a_priority_removed_meanwhile_shows_what_was_sent(app, client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    priority = get_priority_in(strategy.versions[0], "getting-around")
    url = f"/staff/admin/strategy/priorities/{priority.id}"
    theme_id = priority.theme_id
    mine = hidden_fields(client.get(url).text)
    theirs = app.test_client()
    sign_in(theirs, make_staff("admin"))
    confirm = theirs.get(f"{url}/remove")
    assert theirs.post(f"{url}/remove", data=hidden_fields(confirm.text)).status_code == 303
    sent = client.post(url, data={**mine, "theme": str(theme_id), "title": "Buses",
                                  "statement": "Buses <b>every</b> hour.",
                                  "outcome_measures": "Journeys\nPunctuality"})  # fmt: skip
    assert sent.status_code == 404 and "<title>Error: This priority was removed" in sent.text
    assert "your changes were not saved" in sent.text
    assert "Buses &lt;b&gt;every&lt;/b&gt; hour." in sent.text
    assert "Journeys<br>Punctuality" in sent.text


def test_settings_saved_by_someone_else_meanwhile_are_not_overwritten(app, client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    url = f"/staff/admin/strategy/{strategy.id}"
    theirs = app.test_client()
    sign_in(theirs, make_staff("admin"))
    mine = hidden_fields(client.get(url).text)  # both admins open the page
    their_form = hidden_fields(theirs.get(url).text)
    dates = {**_dates("opens", 1, 1, 2027), **_dates("closes", 31, 1, 2027)}
    saved = theirs.post(url, data={**their_form, **dates, "title": "Theirs"})
    assert saved.status_code == 303
    stale = client.post(url, data={**mine, **dates, "title": "Mine"})
    assert stale.status_code == 400 and "<title>Error: " in stale.text
    assert "Someone else saved these settings after you opened the page" in stale.text
    assert "<strong>Theirs</strong>: comments from 1 January 2027 to the end of 31 January" in (
        stale.text
    )
    assert 'value="Mine"' in stale.text
    db.session.refresh(strategy)
    assert strategy.title == "Theirs"
    again = client.post(url, data={**hidden_fields(stale.text), **dates, "title": "Mine"})
    assert again.status_code == 303
    db.session.refresh(strategy)
    assert strategy.title == "Mine"


def test_wishes_are_searched_and_cited(client, admin):
    consultation = make_consultation(slug="derby")
    buses = make_wish(consultation, text="More buses in the evening")
    make_wish(consultation, text="A new swimming pool")
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    priority = get_priority_in(strategy.versions[0], "getting-around")
    url = f"/staff/admin/strategy/priorities/{priority.id}/evidence"
    found = client.get(f"{url}?q=bus")
    assert "More buses in the evening" in found.text and "swimming" not in found.text
    cited = _post(client, f"{url}?q=bus", f"{url}?q=bus", {"wish": str(buses.id)})
    assert cited.status_code == 303
    assert "1 wish from 0 areas cited" in client.get(url).text
    nothing = _post(client, url, url, {})
    assert nothing.status_code == 400 and "Tick the wishes to cite" in nothing.text
    forged = _post(client, url, url, {"wish": "999999"})
    assert forged.status_code == 400


def test_published_versions_cannot_be_edited(client, admin):
    strategy = make_strategy(make_consultation())
    db.session.commit()
    version = strategy.versions[0]
    url = f"/staff/admin/strategy/versions/{version.id}"
    assert "Import a file" not in client.get(url).text
    for page_url, button in [
        (f"/staff/admin/strategy/priorities/{version.priorities[0].id}", "Save priority"),
        (f"/staff/admin/strategy/themes/{version.themes[0].id}", "Save theme"),
    ]:
        page = client.get(page_url).text  # a bookmark, or Back after publishing
        assert "Version 1 is published and cannot be changed" in page and button not in page
    response = _post(client, url, f"{url}/themes", {"title": "Late theme"})
    assert response.status_code == 400 and "published and cannot be changed" in response.text
    priority = version.priorities[0]
    edit = f"/staff/admin/strategy/priorities/{priority.id}"
    response = _post(
        client, url, edit, {"theme": str(priority.theme_id), "title": "X", "statement": "Y"}
    )
    assert response.status_code == 400 and "start a revision" in response.text
    response = _upload(client, version.id, "strategy.yaml", DEMO_FILE.read_bytes())
    assert response.status_code == 400


def test_revision_needs_a_reason_for_each_change_then_publishes_final(client, admin):
    consultation = make_consultation(slug="derby")
    strategy = make_strategy(consultation)
    first = strategy.versions[0]
    safe = get_priority_in(first, "feeling-safe-at-night")
    comment = make_comment(safe, "Light the river path first", "support_with_changes")
    db.session.commit()
    settings = f"/staff/admin/strategy/{strategy.id}"
    started = _post(client, settings, f"{settings}/revisions", {})
    assert started.status_code == 303
    revision = db.session.query(StrategyVersion).filter_by(number=2).one()
    again = _post(client, settings, f"{settings}/revisions", {})
    assert again.status_code == 303 and again.location == started.location  # the same draft

    priority = get_priority_in(revision, "feeling-safe-at-night")
    edit = f"/staff/admin/strategy/priorities/{priority.id}"
    _post(
        client,
        edit,
        edit,
        {
            "theme": str(priority.theme_id),
            "title": "Well-lit, safe streets",
            "statement": priority.statement,
            "why": priority.why,
            "outcome_measures": priority.outcome_measures,
            "activities": priority.activities,
        },
    )
    version_url = f"/staff/admin/strategy/versions/{revision.id}"
    assert "1 changed priority needs a reason" in client.get(version_url).text
    blocked = _post(client, version_url, f"{version_url}/publish", {"status": "final"})
    assert blocked.status_code == 400 and "Say why these priorities changed" in blocked.text

    reason_url = f"{version_url}/changes/feeling-safe-at-night"
    form = client.get(reason_url).text
    assert "Light the river path first" in form
    no_reason = _post(client, reason_url, reason_url, {"kind": "reworded"})
    assert no_reason.status_code == 400 and "Say why" in no_reason.text
    wrong_kind = _post(client, reason_url, reason_url, {"kind": "dropped", "reason": "r"})
    assert wrong_kind.status_code == 400
    saved = _post(
        client,
        reason_url,
        reason_url,
        {"kind": "reworded", "reason": "Residents asked for lighting", "comments": str(comment.id)},
    )
    assert saved.status_code == 303
    assert client.get(f"{version_url}/changes/no-such-key").status_code == 404
    ask = _post(
        client, version_url, f"{version_url}/publish", {"status": "final", "note": "Agreed"}
    )
    assert ask.status_code == 200 and "Publish version 2 as the final strategy?" in ask.text
    assert "The final version cannot be revised" in ask.text
    db.session.refresh(revision)
    assert revision.is_draft  # asking publishes nothing
    confirmed = {"status": "final", "note": "Agreed", "confirmed": "yes"}  # the page's fields
    assert 'name="note" value="Agreed"' in ask.text and 'name="confirmed" value="yes"' in ask.text
    published = client.post(f"{version_url}/publish", data={**hidden_fields(ask.text), **confirmed})
    assert published.status_code == 303
    db.session.refresh(revision)
    assert (revision.status, revision.note) == ("final", "Agreed")
    change = db.session.query(PriorityChange).one()
    assert (change.kind, change.reason) == ("reworded", "Residents asked for lighting")
    assert [c.id for c in change.comments] == [comment.id]
    page = client.get("/consultations/derby/strategy/you-said-we-did").text
    assert "Well-lit, safe streets" in page and "Residents asked for lighting" in page
    assert "Light the river path first" in page


@pytest.mark.parametrize("role", ["officer", "strategy"])
def test_other_staff_cannot_build_the_strategy(client, login_as, role):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    login_as(role)
    assert client.get("/staff/admin/strategy").status_code == 403
    assert (
        client.get(f"/staff/admin/strategy/versions/{strategy.versions[0].id}").status_code == 403
    )


def test_unknown_ids_are_404(client, admin):
    for url in (
        "/staff/admin/strategy/999",
        "/staff/admin/strategy/versions/999",
        "/staff/admin/strategy/themes/999",
        "/staff/admin/strategy/priorities/999",
        "/staff/admin/strategy/priorities/999/evidence",
        "/staff/admin/strategy/versions/999/changes",
    ):
        assert client.get(url).status_code == 404, url


def test_settings_and_theme_pages(client, admin):
    strategy = make_strategy(make_consultation(slug="derby"), published=False)
    db.session.commit()
    url = f"/staff/admin/strategy/{strategy.id}"
    page = client.get(url)
    assert page.status_code == 200 and 'value="Derby 2026: our community strategy"' in page.text
    saved = _post(
        client,
        url,
        url,
        {
            "title": "Derby 2026, revised",
            **_dates("opens", 1, 1, 2027),
            **_dates("closes", 31, 1, 2027),
        },
    )
    assert saved.status_code == 303
    db.session.refresh(strategy)
    assert strategy.title == "Derby 2026, revised"
    assert strategy.comments_close_at.isoformat() == "2027-02-01T00:00:00+00:00"  # GMT
    bad = _post(client, url, url, {"title": "", **_dates("opens", 31, 2, 2027)})
    assert bad.status_code == 400 and "Enter the title of the strategy" in bad.text
    theme = strategy.versions[0].themes[0]
    theme_url = f"/staff/admin/strategy/themes/{theme.id}"
    assert "Children &amp; Young People" in client.get(theme_url).text
    assert _post(client, theme_url, theme_url, {"title": "Young Derby"}).status_code == 303
    db.session.refresh(theme)
    assert theme.title == "Young Derby"
