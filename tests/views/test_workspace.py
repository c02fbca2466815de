"""The strategy workspace's pages: who may see them, every form refusing bad input with a
message and a 4xx, the themes pages as the team reads them, and the background job path."""

import re
import threading
import time
from html import escape, unescape

import pytest

from engage.extensions import db
from engage.models import AnalysisRun, Job, Role, ThemeAssignment, Wish
from engage.services import analysis_runs
from engage.services.analysis_runs import visible_themes
from engage.services.new_entries import new_entries_waiting
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_wish
from tests.views.staff.test_roles import _url
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

PHONE = "Ring me on 07700 900123 about more buses in the evenings"


@pytest.fixture
def run(app):
    consultation = make_consultation_with_wishes(n=50)
    make_wish(consultation, text=PHONE)
    db.session.commit()
    return run_analysis(consultation, n_themes=5)


def _workspace_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("workspace.")]


@pytest.mark.parametrize("role", [None, Role.OFFICER, Role.JUDGE, Role.STRATEGY, Role.ADMIN])
def test_only_the_strategy_team_and_admins_reach_the_workspace(app, client, role):
    if role is not None:
        sign_in(client, make_staff(role.value))
    token = hidden_fields(client.get("/staff/sign-in").text).get("csrf_token", "")
    rules = _workspace_rules(app)
    assert len(rules) >= 15
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(_url(rule), method=method, data=data)
            if role is None:
                assert response.status_code == 302 and "/staff/sign-in" in response.location
            elif role in (Role.STRATEGY, Role.ADMIN):
                assert response.status_code in (200, 400, 404), (rule, method)
            else:
                assert response.status_code == 403, (rule, method)


def _post(client, url, data, page_url=None):
    page = client.get(page_url or url)
    return client.post(url, data={**hidden_fields(page.text), **data})


def test_start_a_run_and_its_bad_input(app, client, team):
    consultation = make_consultation_with_wishes(n=30)
    for data, message in [
        ({}, "Choose the consultation to analyse"),
        ({"consultation": "abc"}, "Invalid Choice"),
        ({"consultation": consultation.id, "themes": "lots"}, "Not a valid integer"),
        ({"consultation": consultation.id, "themes": "1"}, "from 2 to 100"),
    ]:
        response = _post(client, "/staff/workspace/", data)
        assert response.status_code == 400, data
        assert message in response.text and "Error: " in response.text
    empty = make_consultation_with_wishes(n=3)
    response = _post(client, "/staff/workspace/", {"consultation": empty.id})
    assert response.status_code == 400 and "needs at least 10" in response.text
    keep = {"consultation": consultation.id, "keep_themes": "y"}
    response = _post(client, "/staff/workspace/", keep)
    assert response.status_code == 400 and "no earlier run" in response.text
    response = _post(client, "/staff/workspace/", {"consultation": consultation.id, "themes": 4})
    assert response.status_code == 303
    page = client.get(response.location)
    assert "Run 1: done" in page.text and "Review the themes" in page.text
    response = _post(client, "/staff/workspace/", keep)
    assert response.status_code == 303
    page = client.get(response.location)
    assert "Run 2: done" in page.text and "Themes started from" in page.text
    assert "Run 1" in page.text.split("Themes started from")[1][:200]


def test_the_run_page_shows_how_the_number_of_themes_was_chosen(client, team):
    consultation = make_consultation_with_wishes(n=60)
    data = {"consultation": consultation.id, "stop_words": "bus, Parks"}
    response = _post(client, "/staff/workspace/", data)
    assert response.status_code == 303
    page = client.get(response.location).text
    run = db.session.get(AnalysisRun, 1)
    tried = run.parameters["selection"]
    (chosen,) = [c["n_themes"] for c in tried if c["chosen"]]
    assert f"How the analysis chose {chosen} themes" in page
    table = page.split("Numbers of themes tried and their stability")[1].split("</table>")[0]
    for c in tried:
        cell = f"{c['n_themes']} (chosen)" if c["chosen"] else str(c["n_themes"])
        assert f">{cell}</" in table and f">{c['stability']:.2f}</" in table
    other = next(c["n_themes"] for c in tried if not c["chosen"])
    link = re.search(rf'href="([^"]+)">Run with {other} themes<', table).group(1)
    form = client.get(unescape(link)).text
    assert re.search(rf'<input[^>]* name="themes"[^>]* value="{other}"', form)
    assert re.search(r'<input[^>]* name="stop_words"[^>]* value="bus, Parks"', form)
    assert f'<option value="{consultation.id}" selected>' in form
    fields = {**hidden_fields(form), "consultation": consultation.id, "themes": other}
    asked = client.post("/staff/workspace/", data={**fields, "stop_words": "bus, Parks"})
    page = client.get(asked.location).text
    assert "Run 2: done" in page and "How the analysis chose" not in page
    assert db.session.get(AnalysisRun, 2).parameters["n_themes"] == other
    for query in ["themes=lots&consultation=x", "themes=" + "9" * 40, "stop_words=" + "a" * 9000]:
        assert client.get(f"/staff/workspace/?{query}").status_code == 200


def test_words_to_leave_out_are_left_out_of_the_themes_in_every_form(client, team):
    consultation = make_consultation_with_wishes(n=40)
    data = {"consultation": consultation.id, "themes": 4}
    for words, message in [
        ("x" * 41, "is too long to be a word to leave out"),
        (",".join(f"w{i}" for i in range(31)), "Enter at most 30 words to leave out"),
        ("bus " * 400, "Enter fewer words to leave out"),
    ]:
        response = _post(client, "/staff/workspace/", {**data, "stop_words": words})
        assert response.status_code == 400 and message in response.text, words
        # Told at the field, and the summary leads there.
        assert '<a href="#stop_words">' in response.text, words
        field = response.text.split('id="stop_words-error"')[1].split("</p>")[0]
        assert message in field, words
    assert db.session.query(AnalysisRun).count() == 0

    assert _post(client, "/staff/workspace/", data).status_code == 303
    first = db.session.get(AnalysisRun, 1)
    top = max(visible_themes(first), key=lambda t: t.size).keywords[0]
    response = _post(client, "/staff/workspace/", {**data, "stop_words": f" {top.upper()},, rain"})
    assert response.status_code == 303
    page = client.get(response.location)
    assert "Words left out" in page.text
    assert f"{top.upper()}, rain" in page.text.split("Words left out")[1][:200]
    second = db.session.get(AnalysisRun, 2)
    assert second.parameters["extra_stop_words"] == [top.upper(), "rain"]
    shown = {k.lower() for t in visible_themes(second) for k in t.keywords}
    assert not {k for k in shown if k.startswith(top.lower()[:4])}, shown


def test_themes_page_shows_size_share_keywords_redacted_quotes_and_trend(client, team, run):
    page = client.get(f"/staff/workspace/runs/{run.id}/themes")
    assert page.status_code == 200
    text = page.text
    for theme in visible_themes(run):
        assert escape(theme.label) in text
        assert f"<strong>{theme.size:,} entr" in text
    assert "% of all relevant entries" in text and "Keywords:" in text
    assert text.count('engage-quotes"') == len(visible_themes(run))
    assert "07700 900123" not in text
    assert 'role="img"' in text and 'id="trend-table"' in text
    phone = db.session.scalar(
        db.select(ThemeAssignment).where(
            ThemeAssignment.entry_id
            == db.select(Wish.id).where(Wish.text == PHONE).scalar_subquery()
        )
    )
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{phone.theme_id}")
    assert "Ring me on [phone number removed]" in page.text
    assert "07700 900123" not in page.text
    assert f"Score {phone.score:.2f}" in page.text


def test_new_entries_are_given_themes_when_the_page_opens(client, team, run):
    late = make_wish(run.consultation, text="Cleaner parks with working toilets")
    db.session.commit()
    client.get(f"/staff/workspace/runs/{run.id}/themes")
    db.session.expire_all()
    assert new_entries_waiting(run) == 0
    assert db.session.query(AnalysisRun).count() == 1
    job = db.session.query(Job).filter_by(name="assign_new_entries").one()
    assert job.status == "done"
    assignment = db.session.scalar(
        db.select(ThemeAssignment).where(ThemeAssignment.entry_id == late.id)
    )
    assert assignment.added_later and assignment.run_id == run.id


def test_every_edit_form_refuses_bad_input(client, team, run):
    theme, other = visible_themes(run)[:2]
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    cases = [
        ("rename", {"label": ""}, "Enter the theme&#39;s new name"),
        ("rename", {"label": "x" * 201}, "200 characters"),
        ("merge", {"other": "999999"}, "Choose the theme to merge into this one"),
        ("merge", {"other": "x"}, "Invalid Choice"),
        ("split", {"parts": "one"}, "Not a valid integer"),
        ("split", {"parts": "1"}, "from 2 to 10"),
        ("mapping", {"strategy_target": "priority:1"}, "no themes or priorities to map onto"),
        ("entries", {"action": "move", "move_to": str(other.id)}, "Tick the entries first"),
        ("entries", {"action": "move", "entry": "1", "move_to": "0"}, "Choose the theme to move"),
        ("entries", {"action": "move", "entry": "1", "move_to": "x"}, "Invalid Choice"),
        ("entries", {"action": "explode", "entry": "1"}, "Choose what to do"),
        ("entries", {"action": "not_relevant", "entry": "99999"}, "not in this run"),
    ]
    for action, data, message in cases:
        response = _post(client, f"{base}/{action}", data, page_url=base)
        assert response.status_code == 400, (action, data, response.status_code)
        assert message in response.text, (action, data)
    assert client.get(f"/staff/workspace/runs/{run.id}/themes/999999").status_code == 404
    assert client.get("/staff/workspace/runs/999/themes").status_code == 404
    assert client.get(f"/staff/workspace/runs/{run.id}/breakdowns/shoe-size").status_code == 404


def test_edits_through_the_pages(client, team, run):
    a, b = visible_themes(run)[:2]
    base = f"/staff/workspace/runs/{run.id}/themes"
    response = _post(client, f"{base}/{a.id}/rename", {"label": "Evening buses"}, f"{base}/{a.id}")
    assert response.status_code == 303
    page = client.get(response.location)
    assert "Renamed the theme “Evening buses”" in page.text
    response = _post(client, f"{base}/{a.id}/merge", {"other": b.id}, f"{base}/{a.id}")
    assert response.status_code == 303
    assert "Merged" in client.get(response.location).text
    assert client.get(f"{base}/{b.id}").status_code == 302  # a merged theme leads to its target
    db.session.expire_all()
    entry = db.session.query(ThemeAssignment).filter_by(theme_id=a.id).first()
    response = _post(
        client,
        f"{base}/{a.id}/entries",
        {"action": "not_relevant", "entry": entry.id},
        f"{base}/{a.id}",
    )
    assert response.status_code == 303
    page = client.get(response.location)
    assert "Marked 1 entry not relevant" in page.text and "not relevant</strong>" in page.text
    # Ticked again with one that counts: only that one changes, and the message says so.
    other = db.session.query(ThemeAssignment).filter_by(theme_id=a.id, not_relevant=False).first()
    again = _post(
        client,
        f"{base}/{a.id}/entries",
        {"action": "relevant", "entry": [entry.id, other.id]},
        f"{base}/{a.id}",
    )
    assert "Marked 1 entry relevant" in client.get(again.location).text
    same = _post(
        client,
        f"{base}/{a.id}/entries",
        {"action": "relevant", "entry": other.id},
        f"{base}/{a.id}",
    )
    page = client.get(same.location).text
    assert "Nothing changed: the ticked entries were already marked relevant" in page


def test_a_split_made_on_its_page_is_made_again_by_the_next_run(client, team, run):
    theme = visible_themes(run)[0]
    base = f"/staff/workspace/runs/{run.id}/themes"
    response = _post(client, f"{base}/{theme.id}/split", {"parts": 2}, f"{base}/{theme.id}")
    assert response.status_code == 303
    db.session.expire_all()
    parts = [t for t in visible_themes(run) if t.parent_id == theme.id]
    second = run_analysis(db.session.get(AnalysisRun, run.id).consultation, n_themes=5)
    page = client.get(f"/staff/workspace/runs/{second.id}").text
    assert "1 split again" in page
    themes = client.get(f"/staff/workspace/runs/{second.id}/themes").text
    for part in parts:
        assert escape(part.label) in themes


def test_breakdown_shows_a_chart_and_a_table_with_small_counts_hidden(client, team, run):
    page = client.get(f"/staff/workspace/runs/{run.id}/breakdowns/area")
    assert page.status_code == 200
    assert 'id="breakdown-chart"' in page.text and 'id="breakdown-table"' in page.text
    assert "fewer than 10" in page.text
    theme = visible_themes(run)[0]
    page = client.get(f"/staff/workspace/runs/{run.id}/breakdowns/age-band?theme={theme.id}")
    assert f"Entries in “{escape(theme.label)}” by age band" in page.text


def test_reach_imports_refuse_bad_files(client, team, run):
    url = f"/staff/workspace/consultations/{run.consultation_id}/reach"
    page = client.get(url)
    token = hidden_fields(page.text)["csrf_token"]
    response = client.post(f"{url}/baselines", data={"csrf_token": token})
    assert response.status_code == 400 and "Choose a CSV or XLSX file" in response.text
    import io

    bad = (io.BytesIO(b"area_code,age_band,population\nNOPE,25_34,x\n"), "p.csv")
    response = client.post(
        f"{url}/baselines",
        data={"csrf_token": token, "baselines-upload": bad},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Nothing was imported. Its one row is not for an area of this partnership" in (
        response.text
    )
    assert client.post(f"{url}/shoes", data={"csrf_token": token}).status_code == 404


def test_downloads(client, team, run):
    base = f"/staff/workspace/runs/{run.id}"
    csv = client.get(f"{base}/assignments.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    assert csv.text.count("\n") == 1 + 51
    xlsx = client.get(f"{base}/themes.xlsx")
    assert xlsx.data[:2] == b"PK"
    report = client.get(f"{base}/report")
    assert "Analysis library version" in report.text and "@media print" not in report.text
    assert "css/workspace.css" in report.text


def test_the_threaded_backend_shows_progress_then_the_themes(app, client, team):
    consultation = make_consultation_with_wishes(n=30)
    app.config["JOB_BACKEND"] = "thread"
    entered, release = threading.Event(), threading.Event()
    real_fit = analysis_runs.fit_model

    def held_fit(*args, **kwargs):
        entered.set()
        assert release.wait(60)
        return real_fit(*args, **kwargs)

    analysis_runs.fit_model = held_fit
    try:
        response = _post(client, "/staff/workspace/", {"consultation": consultation.id})
        assert response.status_code == 303
        assert entered.wait(60)
        page = client.get(response.location)
        assert "Run 1: running" in page.text
        again = _post(client, "/staff/workspace/", {"consultation": consultation.id})
        assert again.status_code == 303 and again.location == response.location
        page = client.get(response.location)
        assert (
            f"Run 1 over {consultation.title} with these settings is already running" in page.text
        )
        assert db.session.query(AnalysisRun).count() == 1
        assert "<progress" in page.text and "Finding themes in 30 entries" in page.text
        assert "15% done" in page.text and "Check again" in page.text
        status = client.get("/staff/workspace/runs/1/status").get_json()
        assert status == {
            "status": "running",
            "finished": False,
            "progress": 15,
            "stage": "Finding themes in 30 entries (the longest step)",
        }
        release.set()
        for _ in range(120):
            if client.get("/staff/workspace/runs/1/status").get_json()["finished"]:
                break
            time.sleep(0.5)
        page = client.get(response.location)
        assert "Run 1: done" in page.text and "Review the themes" in page.text
    finally:
        release.set()
        analysis_runs.fit_model = real_fit


def test_the_progress_of_a_run_that_does_not_exist_is_answered_in_json(client, team):
    polled = {"Accept": "application/json"}  # as the progress page's script asks
    response = client.get("/staff/workspace/runs/999/status", headers=polled)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "error": "There is no run 999",
        "status": "unknown",
        "finished": True,
    }


@pytest.mark.parametrize("run_id", [str(2**31), "99999999999999999999", "1" * 5000, "-1", "x"])
def test_the_progress_of_a_run_id_beyond_any_run_is_answered_in_json(client, team, run_id):
    polled = {"Accept": "application/json"}  # as the progress page's script asks
    response = client.get(f"/staff/workspace/runs/{run_id}/status", headers=polled)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert answer["status"] == "unknown" and answer["finished"] is True
    assert answer["error"].startswith("There is no run ")
    assert len(answer["error"]) < 60  # a long id sent is not echoed back whole


WELSH = [
    "Mwy o fysiau gyda'r nos i'r pentref",
    "Goleuadau stryd ar lwybr yr afon",
    "Llyfrgell ar agor ar ddydd Sadwrn",
    "Parc chwarae newydd i'r plant bach",
    "Biniau ailgylchu ym mhob stryd",
    "Bysiau rhatach i bobl ifanc",
    "Llwybr beicio diogel i'r ysgol",
    "Meinciau yn y parc i bobl hŷn",
    "Glanhau'r afon a'r llwybrau",
    "Canolfan ieuenctid ar agor gyda'r nos",
]


def test_the_other_theme_is_not_split_and_says_to_move_its_entries(client, team):
    consultation = make_consultation_with_wishes(n=40)
    run = run_analysis(consultation, n_themes=4)
    for text in WELSH:  # words no entry of the run had: they go to Other
        make_wish(consultation, text=text)
    db.session.commit()
    client.get(f"/staff/workspace/runs/{run.id}/themes")  # gives the new entries their themes
    db.session.expire_all()
    other = next(t for t in visible_themes(run) if t.is_other)
    url = f"/staff/workspace/runs/{run.id}/themes/{other.id}"
    page = client.get(url).text
    assert "Split the theme" not in page
    assert "so it is not split into themes. Move its entries to the themes they belong to" in page

    response = _post(client, f"{url}/split", {"parts": 2}, url)
    assert response.status_code == 400
    said = "“Other (no distinctive words)” holds the entries with no distinctive words"
    assert said in unescape(response.text)
    assert 'href="#parts"' not in response.text  # the page has no such field to correct
    db.session.expire_all()
    assert not other.split and [t.id for t in visible_themes(run) if t.is_other] == [other.id]
    assert all(not t.parent_id for t in visible_themes(run))
