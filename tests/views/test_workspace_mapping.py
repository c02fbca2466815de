"""The team maps a theme onto the strategy's own themes and priorities: one at a time, changed
by confirming another, taken back with "Remove the mapping"; each step is in the theme's log."""

import html

import pytest

from engage.extensions import db
from engage.models import ThemeEdit
from engage.services.analysis_runs import visible_themes
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.strategy_factories import make_strategy
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


def _choices(run):
    from engage.services.theme_edits import mapping_choices

    return dict(mapping_choices(run))


def _title(theme) -> str:
    """The confirmed mapping's title, as the page shows it."""
    db.session.expire_all()
    return html.escape(theme.confirmed_mapping.target_title)


def _post(client, url, page_url, data=None):
    page = client.get(page_url)
    return client.post(url, data={**hidden_fields(page.text), **(data or {})})


@pytest.fixture
def mapped_run(app):
    """A run of a consultation whose draft strategy has themes and priorities to map onto."""
    consultation = make_consultation_with_wishes(n=30)
    make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    return run, visible_themes(run)[0]


def test_a_mapping_is_confirmed_changed_and_removed_in_the_pages(client, mapped_run):
    run, theme = mapped_run
    first_key, second_key = list(_choices(run))[:2]
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"

    page = client.get(base)
    assert "Belongs to" not in page.text and "Remove the mapping" not in page.text
    nothing = _post(client, f"{base}/mapping/remove", base)
    assert nothing.status_code == 400
    assert "This theme has no confirmed mapping to remove" in nothing.text

    response = _post(client, f"{base}/mapping", base, {"strategy_target": first_key})
    assert response.status_code == 303
    first = _title(theme)
    page = client.get(response.location)
    assert f"Belongs to {first}." in page.text and "Remove the mapping" in page.text

    response = _post(client, f"{base}/mapping", base, {"strategy_target": second_key})
    second = _title(theme)
    assert second != first
    page = client.get(response.location)
    assert f"Belongs to {second}." in page.text
    assert f"Belongs to {first}." not in page.text  # replaced, not added beside it
    assert len([m for m in theme.mappings if m.confirmed_at]) == 1

    response = _post(client, f"{base}/mapping/remove", base)
    assert response.status_code == 303
    page = client.get(response.location)
    assert f"Removed: “{html.escape(theme.label)}” no longer belongs to {second}" in page.text
    assert "Belongs to" not in page.text and "Remove the mapping" not in page.text
    db.session.expire_all()
    assert theme.confirmed_mapping is None
    kinds = [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=theme.id)]
    assert kinds == ["map", "map", "unmap"]
    export = client.get(f"/staff/workspace/runs/{run.id}/themes.csv")
    assert html.unescape(second) not in export.text


def test_removing_a_mapping_needs_the_form_token(client, mapped_run):
    run, theme = mapped_run
    target = next(iter(_choices(run)))
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    _post(client, f"{base}/mapping", base, {"strategy_target": target})
    refused = client.post(f"{base}/mapping/remove", data={})
    assert refused.status_code == 400
    db.session.expire_all()
    assert theme.confirmed_mapping is not None


def test_a_priority_removed_since_the_page_was_opened_is_told_at_its_field(client, mapped_run):
    from engage.models import Priority
    from engage.services.strategy import remove_priority

    run, theme = mapped_run
    key = next(k for k in _choices(run) if k.startswith("priority:"))
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    stale = hidden_fields(client.get(base).text)
    remove_priority(db.session.get(Priority, int(key.partition(":")[2])))  # by an administrator
    db.session.commit()
    response = client.post(f"{base}/mapping", data={**stale, "strategy_target": key})
    assert response.status_code == 400
    told = "The theme or priority you chose was removed from the strategy after this page"
    assert told in html.unescape(response.text)
    assert 'href="#strategy_target"' in response.text and "Not a valid choice" not in response.text
    db.session.expire_all()
    assert theme.confirmed_mapping is None


def test_a_priority_an_administrator_removes_ends_the_mapping_in_the_log(app, client, mapped_run):
    from engage.models import Priority

    run, theme = mapped_run
    key = next(k for k in _choices(run) if k.startswith("priority:"))
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    _post(client, f"{base}/mapping", base, {"strategy_target": key})
    title = _title(theme)  # "Priority: …"
    priority = db.session.get(Priority, int(key.partition(":")[2]))
    priority_id, name = priority.id, html.escape(priority.title)

    admin = app.test_client()
    sign_in(admin, make_staff("admin", email="admin@example.org"))
    remove_url = f"/staff/admin/strategy/priorities/{priority_id}/remove"
    assert _post(admin, remove_url, remove_url).status_code == 303

    page = client.get(base).text
    assert "Belongs to" not in page and "Remove the mapping" not in page
    said = f"Not mapped now: it belonged to {title}, which an administrator removed from the"
    assert said in page
    log = page[page.index('id="edits"') :]
    assert f"removed {title} from the strategy, so the mapping ended" in log
    assert f"confirmed that “{html.escape(theme.label)}” belongs to {name}" in log  # kept
    db.session.expire_all()
    assert theme.confirmed_mapping is None
    kinds = [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=theme.id)]
    assert kinds == ["map", "unmap"]


def test_a_refusal_with_nothing_left_to_choose_is_not_a_dead_link(client, mapped_run):
    from engage.services.strategy import draft_version, get_strategy, replace_content

    run, theme = mapped_run
    key = next(iter(_choices(run)))
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    stale = hidden_fields(client.get(base).text)
    replace_content(draft_version(get_strategy(run.consultation)), [])  # by an administrator
    db.session.commit()
    response = client.post(f"{base}/mapping", data={**stale, "strategy_target": key})
    assert response.status_code == 400
    assert "The strategy has no themes or priorities to map onto now" in response.text
    assert 'href="#strategy_target"' not in response.text  # the field is not on the page
    assert 'id="strategy_target"' not in response.text


def _confirm_onto(client, run, theme, target: str) -> str:
    """Confirm a theme's mapping on its page; returns its title as the page shows it."""
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    assert _post(client, f"{base}/mapping", base, {"strategy_target": target}).status_code == 303
    return _title(theme)


def _target(run, kind: str, title: str) -> str:
    return next(k for k, name in _choices(run).items() if k.startswith(kind) and name == title)


def test_a_file_imported_over_the_draft_ends_the_mapping_in_the_log(app, client, mapped_run):
    from dataclasses import replace

    from tests.strategy_factories import demo_themes
    from tests.views.test_strategy_import_confirm import _confirm, _upload, _yaml

    run, theme = mapped_run
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    title = _confirm_onto(
        client, run, theme, _target(run, "priority:", "Getting around without a car")
    )
    version_id = theme.confirmed_mapping.priority.version_id

    admin = app.test_client()
    sign_in(admin, make_staff("admin", email="admin@example.org"))
    dropped = [
        replace(t, priorities=[p for p in t.priorities if p.key != "getting-around"])
        for t in demo_themes()
    ]
    asked = _upload(admin, version_id, _yaml(dropped))
    assert asked.status_code == 200
    ends = "1 confirmed mapping of an analysis theme onto this draft's themes and priorities ends"
    assert ends in asked.text
    assert _confirm(admin, version_id, asked).status_code == 303

    page = client.get(base).text
    assert "Belongs to" not in page and "Remove the mapping" not in page
    said = f"Not mapped now: it belonged to {title}, which an administrator replaced by importing"
    assert said in page
    log = page[page.index('id="edits"') :]
    assert f"imported a strategy file over {title}, so the mapping ended" in log
    db.session.expire_all()
    assert theme.confirmed_mapping is None
    kinds = [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=theme.id)]
    assert kinds == ["map", "unmap"]


def test_a_file_that_keeps_a_priority_s_key_or_a_theme_s_title_keeps_its_mappings(
    app, client, mapped_run
):
    """As the priority keeps the evidence it cites, it keeps the run themes mapped onto it;
    only the mapping onto the priority the file drops ends, and the confirm page counts it."""
    from dataclasses import replace

    from tests.strategy_factories import demo_themes
    from tests.views.test_strategy_import_confirm import _confirm, _upload, _yaml

    run, _theme = mapped_run
    onto_priority, onto_theme, onto_dropped = visible_themes(run)[:3]
    sign_in(client, make_staff("strategy"))
    _confirm_onto(client, run, onto_priority, _target(run, "priority:", "Feeling safe at night"))
    _confirm_onto(client, run, onto_theme, _target(run, "theme:", "Healthier Communities"))
    _confirm_onto(client, run, onto_dropped, _target(run, "priority:", "Residents having a say"))
    version_id = onto_priority.confirmed_mapping.priority.version_id

    def changed(p):  # reworded, and one priority dropped
        if p.key == "feeling-safe-at-night":
            return replace(p, title="Safe streets after dark", statement="Streets lit at night.")
        return p

    themes = [
        replace(
            t,
            summary=f"{t.summary} Now in other words.",
            priorities=[changed(p) for p in t.priorities if p.key != "residents-having-a-say"],
        )
        for t in demo_themes()
    ]
    admin = app.test_client()
    sign_in(admin, make_staff("admin", email="admin@example.org"))
    asked = _upload(admin, version_id, _yaml(themes))
    ends = "1 confirmed mapping of an analysis theme onto this draft's themes and priorities ends"
    assert ends in asked.text
    assert _confirm(admin, version_id, asked).status_code == 303

    base = f"/staff/workspace/runs/{run.id}/themes"
    page = client.get(f"{base}/{onto_priority.id}").text
    assert "Belongs to Priority: Safe streets after dark." in page
    assert "so the mapping ended" not in page
    page = client.get(f"{base}/{onto_theme.id}").text
    assert "Belongs to Theme: Healthier Communities." in page
    page = client.get(f"{base}/{onto_dropped.id}").text
    assert "Not mapped now: it belonged to Priority: Residents having a say" in page
    db.session.expire_all()
    for theme, kinds in [(onto_priority, ["map"]), (onto_dropped, ["map", "unmap"])]:
        assert [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=theme.id)] == kinds
    assert onto_priority.confirmed_mapping.priority.key == "feeling-safe-at-night"


def test_confirming_the_mapping_a_theme_has_changes_nothing_and_logs_nothing(client, mapped_run):
    """A double click, or two members confirming the same thing from pages opened before."""
    run, theme = mapped_run
    key = next(k for k in _choices(run) if k.startswith("priority:"))
    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    stale = hidden_fields(client.get(base).text)
    title = _confirm_onto(client, run, theme, key)
    confirmed_at = theme.confirmed_mapping.confirmed_at

    again = client.post(f"{base}/mapping", data={**stale, "strategy_target": key})
    assert again.status_code == 303
    page = client.get(again.location).text
    said = f"Nothing changed: “{html.escape(theme.label)}” already belongs to {title}"
    assert said in page
    assert f"Belongs to {title}." in page
    log = page[page.index('id="edits"') :]
    assert log.count("confirmed that") == 1
    db.session.expire_all()
    kinds = [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=theme.id)]
    assert kinds == ["map"]
    assert theme.confirmed_mapping.confirmed_at == confirmed_at  # who and when stay the first's


def _log(page: str) -> str:
    return html.unescape(page[page.index('id="edits"') :])


def test_a_theme_merged_into_an_unmapped_one_passes_its_mapping_on(client, mapped_run):
    run, _theme = mapped_run
    target, source = visible_themes(run)[:2]
    sign_in(client, make_staff("strategy"))
    title = html.unescape(
        _confirm_onto(client, run, source, _target(run, "priority:", "Feeling safe at night"))
    )
    base = f"/staff/workspace/runs/{run.id}/themes"
    url = f"{base}/{target.id}"
    response = _post(client, f"{url}/merge", url, {"other": source.id})
    assert response.status_code == 303
    page = html.unescape(client.get(response.location).text)
    assert f"“{target.label}” now belongs to {title}, as “{source.label}” did" in page
    assert f"Belongs to {title}." in page
    assert (
        f"merged “{source.label}” into “{target.label}”, and with it its mapping onto {title}"
        in _log(page)
    )
    themes = html.unescape(client.get(base).text)
    card = themes[themes.index(f'id="theme-{target.id}"') :]
    assert title in card[: card.index("</p>")]
    db.session.expire_all()
    assert target.confirmed_mapping.target_title == title
    assert source.confirmed_mapping is None  # held once: counted once when it ends
    assert [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=target.id)] == [
        "merge",
        "map",
    ]


def test_merging_two_mapped_themes_keeps_the_target_s_and_says_the_other_ended(client, mapped_run):
    """A theme belongs to one of the strategy's themes or priorities at a time."""
    run, _theme = mapped_run
    target, source = visible_themes(run)[:2]
    sign_in(client, make_staff("strategy"))
    kept = _confirm_onto(client, run, target, _target(run, "priority:", "Feeling safe at night"))
    ended = _confirm_onto(client, run, source, _target(run, "theme:", "Healthier Communities"))
    kept, ended = html.unescape(kept), html.unescape(ended)
    url = f"/staff/workspace/runs/{run.id}/themes/{target.id}"
    response = _post(client, f"{url}/merge", url, {"other": source.id})
    page = html.unescape(client.get(response.location).text)
    assert f"“{target.label}” keeps its mapping onto {kept}; “{source.label}” belonged to" in page
    assert f"Belongs to {kept}." in page
    said = f"merged “{source.label}” into “{target.label}”; its mapping onto {ended} ended"
    assert said in _log(page)
    db.session.expire_all()
    assert target.confirmed_mapping.target_title == kept
    assert source.confirmed_mapping is None
    assert [e.kind for e in db.session.query(ThemeEdit).filter_by(theme_id=source.id)] == [
        "map",
        "unmap",
    ]


def test_each_part_of_a_split_keeps_its_parent_s_mapping(client, mapped_run):
    from engage.models import RunTheme

    run, _theme = mapped_run
    theme = max(visible_themes(run), key=lambda t: t.size)
    sign_in(client, make_staff("strategy"))
    title = html.unescape(
        _confirm_onto(client, run, theme, _target(run, "priority:", "Feeling safe at night"))
    )
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    response = _post(client, f"{url}/split", url, {"parts": 2})
    assert response.status_code == 303
    page = html.unescape(client.get(response.location).text)
    assert f"Belongs to {title}." in page
    assert f"each part keeps its mapping onto {title}" in page
    assert "split it from" in _log(page)
    db.session.expire_all()
    parts = db.session.query(RunTheme).filter_by(parent_id=theme.id).all()
    assert len(parts) >= 2
    assert all(p.confirmed_mapping.target_title == title for p in parts)
    assert theme.confirmed_mapping is None
    parent = html.unescape(client.get(url).text)
    assert f"split “{theme.label}” into {len(parts)} themes, each keeping its mapping" in parent

    second = run_analysis(run.consultation, n_themes=3)  # the next run splits it again
    again = [t for t in visible_themes(second) if t.carried_from_id in {p.id for p in parts}]
    assert len(again) == len(parts)
    assert all(t.confirmed_mapping.target_title == title for t in again)


def test_a_file_imported_over_the_draft_carries_the_suggestions_by_key(app, client, mapped_run):
    """The analysis's suggestions name the draft's rows a file replaces: those the file keeps
    (a priority by its key, a theme by its title) are still suggested, in the file's words."""
    from dataclasses import replace

    from tests.strategy_factories import demo_themes
    from tests.views.test_strategy_import_confirm import _confirm, _upload, _yaml

    run, _theme = mapped_run
    first = {t.framework[0]["name"]: t for t in visible_themes(run) if t.framework}
    reworded, dropped = first["Getting around without a car"], first["Cleaner, greener streets"]
    score = reworded.framework[0]["score"]
    version_id = reworded.mappings[0].priority.version_id

    def changed(p):
        return replace(p, title="Travel without a car") if p.key == "getting-around" else p

    themes = [
        replace(
            t, priorities=[changed(p) for p in t.priorities if p.key != "cleaner-greener-streets"]
        )
        for t in demo_themes()
    ]
    admin = app.test_client()
    sign_in(admin, make_staff("admin", email="admin@example.org"))
    assert _confirm(admin, version_id, _upload(admin, version_id, _yaml(themes))).status_code == 303

    sign_in(client, make_staff("strategy"))
    base = f"/staff/workspace/runs/{run.id}/themes"
    cards = html.unescape(client.get(base).text)
    assert "Suggested: Travel without a car" in cards
    assert "Getting around without a car" not in cards and "Cleaner, greener streets" not in cards
    page = html.unescape(client.get(f"{base}/{reworded.id}").text)
    assert f"Travel without a car (suggested, {score:.2f})" in page
    page = html.unescape(client.get(f"{base}/{dropped.id}").text)
    assert "Sustainable Development (suggested, " in page  # its next, whose title the file keeps
    assert "Cleaner, greener streets" not in page
