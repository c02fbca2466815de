"""The strategy workspace as the team uses it after a run has lived a while: entries withdrawn
since the run, and breakdowns whose hidden counts must stay hidden beside the themes page."""

import io
import re
import threading
import time
from html import escape, unescape

import pytest
from openpyxl import load_workbook

from engage.extensions import db
from engage.models import Job, PopulationBaseline, ThemeAssignment, Wish
from engage.services import new_entries, theme_edits
from engage.services.analysis_runs import visible_themes
from engage.services.moderation import decide
from engage.services.run_models import model_folder
from engage.services.theme_edits import mapping_choices
from engage.workspace import jobs as workspace_jobs
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_wish
from tests.strategy_factories import make_strategy
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

SECRET = "Please ring my neighbour Mrs Example at number 12 about the bins"


@pytest.fixture
def run(app):
    return run_analysis(make_consultation_with_wishes(n=40), n_themes=4)


def test_an_entry_rejected_after_the_run_is_shown_nowhere(client, team, run):
    assignment = db.session.scalars(
        db.select(ThemeAssignment).where(ThemeAssignment.run_id == run.id)
    ).first()
    wish = db.session.get(Wish, assignment.entry_id)
    wish.text = SECRET  # what the moderator saw on a second look
    decide([wish], "reject", make_staff("officer"), reason="personal_data")
    db.session.commit()
    base = f"/staff/workspace/runs/{run.id}"
    # The theme's page and the downloads, opened before the themes page catches up.
    page = client.get(f"{base}/themes/{assignment.theme_id}")
    assert page.status_code == 200 and SECRET not in page.text
    assert "Withdrawn since the run" in page.text
    download = client.get(f"{base}/assignments.csv").text
    assert SECRET not in download and "Withdrawn since the run" in download
    book = load_workbook(io.BytesIO(client.get(f"{base}/themes.xlsx").data), read_only=True)
    cells = [str(v) for row in book["Assignments"].iter_rows(values_only=True) for v in row]
    assert SECRET not in cells and any(c.startswith("Withdrawn since") for c in cells)
    assert SECRET not in client.get(f"{base}/report").text


def _numbers(html: str, table_id: str) -> list[list[str]]:
    """The cells of a counts table as shown, one list per row (the last cell: its total)."""
    table = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    body = table.split("<tbody")[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in rows]


def _shrink_to_five_from_abbey(client, run):
    """The team moves entries out of the biggest theme until it holds 5, all from Abbey."""
    big, other = visible_themes(run)[:2]
    abbey = next(a for a in run.consultation.areas if a.name == "Abbey")
    members = db.session.scalars(
        db.select(ThemeAssignment).where(ThemeAssignment.theme_id == big.id)
    ).all()
    kept = [a.id for a in members if a.area_id == abbey.id][:5]
    assert len(kept) == 5
    base = f"/staff/workspace/runs/{run.id}/themes"
    page = client.get(f"{base}/{big.id}")
    moving = {"action": "move", "move_to": other.id}
    moving["entry"] = [a.id for a in members if a.id not in kept]
    response = client.post(f"{base}/{big.id}/entries", data={**hidden_fields(page.text), **moving})
    assert response.status_code == 303
    assert "<strong>5 entries</strong>" in client.get(f"{base}/{big.id}").text


def test_a_small_theme_from_one_area_is_not_given_away_by_its_size(client, team, run):
    """A theme holds 5 entries, all from one area: its size is on the themes page, so its
    area breakdown must not rest on hiding that size."""
    _shrink_to_five_from_abbey(client, run)
    base = f"/staff/workspace/runs/{run.id}/themes"
    themes_page = client.get(base).text
    sizes = re.findall(r"<strong>([\d,]+) entr", themes_page)
    page = client.get(f"/staff/workspace/runs/{run.id}/breakdowns/area").text
    shown = _numbers(page, "breakdown-table")
    assert len(shown) == len(sizes) + 1  # a row a theme, then the totals
    for row, size in zip(shown, sizes, strict=False):
        # Each theme's total is its size on the themes page, and with it known no row may
        # have a single count hidden: that count would be its size less the others.
        assert row[-1] == size
        assert sum(1 for cell in row[:-1] if not cell.replace(",", "").isdigit()) != 1, row


def test_two_members_merging_two_themes_into_each_other_at_once(app, client, run, monkeypatch):
    """Each has the other's theme open and merges at the same moment: one merge is made, the
    other is told the theme has gone; neither theme vanishes into the other."""
    a, b = visible_themes(run)[:2]
    labels = {a.id: a.label, b.id: b.label}
    base = f"/staff/workspace/runs/{run.id}/themes"
    clients = [client, app.test_client()]
    tokens = []
    for each in clients:
        sign_in(each, make_staff("strategy"))
        tokens.append(hidden_fields(each.get(f"{base}/{a.id}").text))
    both_in = threading.Barrier(2, timeout=3)
    real_move = theme_edits.move_mentions

    def meet(*args):
        # Both members are past their checks before either commits (if nothing stops them).
        try:
            both_in.wait()
        except threading.BrokenBarrierError:
            pass
        return real_move(*args)

    monkeypatch.setattr(theme_edits, "move_mentions", meet)
    answers = [None, None]

    def merge(i, target, source):
        url = f"{base}/{target}/merge"
        answers[i] = clients[i].post(url, data={**tokens[i], "other": source}).status_code

    threads = [
        threading.Thread(target=merge, args=(0, a.id, b.id)),
        threading.Thread(target=merge, args=(1, b.id, a.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [303, 400]
    db.session.rollback()  # end this test's own read, to see what the two requests left
    kept = [t.id for t in (a, b) if db.session.get(type(t), t.id).visible]
    assert len(kept) == 1
    assert escape(labels[kept[0]]) in client.get(base).text


def test_every_edit_is_told_in_words_in_the_log(client, team, app):
    consultation = make_consultation_with_wishes(n=30)
    make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    theme = visible_themes(run)[0]
    target = mapping_choices(run)[0][0]
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    for action, data in [("mapping", {"strategy_target": target}), ("mapping/remove", {})]:
        token = hidden_fields(client.get(base).text)
        assert client.post(f"{base}/{action}", data={**token, **data}).status_code == 303
    for page in (client.get(base).text, client.get(f"/staff/workspace/runs/{run.id}").text):
        log = page.split('id="edits"')[1].split("</ul>")[0]
        lines = [
            re.sub(r"\s+", " ", unescape(re.sub("<[^>]+>", "", li))).strip()
            for li in re.findall(r"<li>(.*?)</li>", log, re.S)
        ]
        assert len(lines) == 2
        removed = f"removed the mapping: “{theme.label}” no longer belongs to "
        assert removed in lines[0] and lines[0].endswith(dict(mapping_choices(run))[target])
        assert "confirmed that" in lines[1]


def test_a_population_written_1_000_without_quotes_is_refused_not_read_as_1(client, team, run):
    url = f"/staff/workspace/consultations/{run.consultation_id}/reach"
    code = run.consultation.areas[0].code

    def upload(body: str):
        token = hidden_fields(client.get(url).text)["csrf_token"]
        data = {"csrf_token": token, "baselines-upload": (io.BytesIO(body.encode()), "p.csv")}
        return client.post(f"{url}/baselines", data=data, content_type="multipart/form-data")

    header = "area_code,age_band,population\n"
    assert upload(f'{header}{code},25_34,"2,500",\n').status_code == 303  # quoted; a trailing comma
    response = upload(f"{header}{code},25_34,1,000\n")
    assert response.status_code == 400
    assert "Nothing was imported. Row 2: it has more values than the first row names" in (
        unescape(response.text)
    )
    assert db.session.scalar(db.select(PopulationBaseline.population)) == 2500
    assert "2,500" in client.get(url).text


def test_an_older_run_says_its_edits_will_not_be_carried_on(client, team, run):
    newer = run_analysis(run.consultation, n_themes=4)
    old_theme = visible_themes(run)[0]
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{old_theme.id}").text
    warning = unescape(re.sub(r"<[^>]+>|\s+", " ", page.split('id="newer-run"')[1][:900]))
    assert f"Run {newer.id} of this consultation is newer. Edits made here stay in run" in warning
    assert f'href="/staff/workspace/runs/{newer.id}/themes"' in page
    assert 'id="newer-run"' in client.get(f"/staff/workspace/runs/{run.id}").text
    assert 'id="newer-run"' not in client.get(f"/staff/workspace/runs/{newer.id}/themes").text


def test_new_entries_a_run_without_its_model_cannot_take_are_said_so(app, client, team, run):
    """The fitted model is gone (a restore without it): the themes page says the new entry
    cannot be given themes, instead of 'being given its themes' for ever, a job each visit."""
    (model_folder(app.instance_path) / run.model_file).unlink()
    make_wish(run.consultation, text="More buses to the hospital in the evenings")
    db.session.commit()
    for _ in range(2):
        page = client.get(f"/staff/workspace/runs/{run.id}/themes")
        assert page.status_code == 200
        told = re.sub(r"<[^>]+>", "", page.text.split('id="new-entries"')[1])
        told = " ".join(unescape(told).split())
        assert "1 entry was published or withdrawn since this run, and this run cannot" in told
        assert "Run the analysis afresh to include it." in told
        assert "being given its themes" not in page.text
    assert db.session.query(Job).filter_by(name="assign_new_entries").count() == 0


def test_a_theme_cannot_be_given_the_name_of_another(client, team, run):
    a, b = visible_themes(run)[:2]
    before = a.label
    base = f"/staff/workspace/runs/{run.id}/themes/{a.id}"
    token = hidden_fields(client.get(base).text)
    response = client.post(f"{base}/rename", data={**token, "label": f" {b.label.upper()} "})
    assert response.status_code == 400
    assert f"Another theme is already called “{b.label.upper()}”" in unescape(response.text)
    db.session.rollback()
    assert db.session.get(type(a), a.id).label == before
    assert client.post(f"{base}/rename", data={**token, "label": before}).status_code == 303


def test_a_change_refused_is_shown_at_its_field_with_the_form_open(client, team, run):
    """The rename, merge and split fields sit in "Change this theme": a name already taken or
    a theme too small to split is told beside the field, with the section open."""
    a, b = visible_themes(run)[:2]
    small = visible_themes(run)[-1]
    base = f"/staff/workspace/runs/{run.id}/themes"
    for theme, action, data, field, message in [
        (a, "rename", {"label": b.label}, "label", f"Another theme is already called “{b.label}”"),
        (small, "split", {"parts": 10}, "parts", f"“{small.label}” has too few entries"),
    ]:
        token = hidden_fields(client.get(f"{base}/{theme.id}").text)
        response = client.post(f"{base}/{theme.id}/{action}", data={**token, **data})
        assert response.status_code == 400
        page = unescape(response.text)
        assert re.search(r'<details class="govuk-details engage-no-print"\s+open>', page)
        assert f'<a href="#{field}">{message}' in page
        shown = re.search(
            rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S
        )
        assert shown and message in shown.group(1), action


def test_a_split_theme_s_page_leads_to_its_parts(client, team, run):
    """Another member split the theme while this one had it open: the page (and the rename
    they send from it) says where its entries went instead of offering edits that all fail."""
    theme = visible_themes(run)[0]
    base = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    stale = hidden_fields(client.get(base).text)
    assert client.post(f"{base}/split", data={**stale, "parts": 2}).status_code == 303
    db.session.rollback()
    parts = [t for t in visible_themes(run) if t.parent_id == theme.id]
    response = client.post(f"{base}/rename", data={**stale, "label": "Buses"})
    told = "was split into 2 themes after this page was opened"
    assert response.status_code == 400 and told in response.text
    for page in (response.text, client.get(base).text):
        notice = page.split('id="split-into"')[1].split("</div>")[0]
        assert "The team split this theme: its entries are now in 2 themes." in notice
        for part in parts:
            assert f'/runs/{run.id}/themes/{part.id}">{escape(part.label)}</a>' in notice
        assert "Rename the theme" not in page and "Move the ticked entries" not in page


def test_no_count_is_hidden_where_its_column_total_says_0(client, team, run):
    """No deprivation deciles are imported: every entry is "Not known", and the empty decile
    columns, each totalling 0, show their zeros rather than "not shown"."""
    _shrink_to_five_from_abbey(client, run)
    page = client.get(f"/staff/workspace/runs/{run.id}/breakdowns/deprivation").text
    *rows, totals = _numbers(page, "breakdown-table")
    assert totals[:10] == ["0"] * 10
    assert all(row[:10] == ["0"] * 10 for row in rows), rows
    assert "fewer than 10" in [row[10] for row in rows]


def test_a_new_entry_given_themes_during_a_merge_joins_the_merged_theme(
    app, client, team, run, monkeypatch
):
    """A member merges B into A while another opens the themes page and the entry published
    meanwhile is given its theme, B: it must end in A, counted, not in B, which no page shows."""
    a, b = visible_themes(run)[:2]
    a_id, b_id = a.id, b.id
    b_text = db.session.get(Wish, b.representatives[0][1]).text
    make_wish(run.consultation, text=b_text)  # it will fit B as the entry it repeats
    db.session.commit()
    assigned = threading.Event()
    real_assign, real_move = new_entries.assign_new_entries, theme_edits.move_mentions

    def assign(run_id):
        try:
            return real_assign(run_id)
        finally:
            assigned.set()

    def held_move(*args):
        assigned.wait(4)  # the merge's checks are done: give the new entry its chance
        return real_move(*args)

    monkeypatch.setattr(new_entries, "assign_new_entries", assign)
    monkeypatch.setattr(workspace_jobs, "assign_new_entries", assign)
    monkeypatch.setattr(theme_edits, "move_mentions", held_move)
    base = f"/staff/workspace/runs/{run.id}/themes"
    other = app.test_client()
    sign_in(other, make_staff("strategy"))
    token = hidden_fields(client.get(f"{base}/{a.id}").text)
    answers = {}
    merging = threading.Thread(
        target=lambda: answers.update(
            merge=client.post(f"{base}/{a_id}/merge", data={**token, "other": b_id}).status_code
        )
    )
    merging.start()
    time.sleep(0.5)
    answers["themes"] = other.get(base).status_code
    merging.join(30)
    assert answers == {"merge": 303, "themes": 200}
    db.session.rollback()
    late = db.session.scalar(
        db.select(ThemeAssignment).where(ThemeAssignment.added_later.is_(True))
    )
    assert late is not None and late.theme_id == a_id
    page = client.get(base).text
    sizes = [int(n.replace(",", "")) for n in re.findall(r"<strong>([\d,]+) entr", page)]
    assert sum(sizes) == 41


def test_a_page_of_entries_past_the_last_shows_the_last(app, client, team, run):
    app.config["WORKSPACE_PER_PAGE"] = 5
    theme = visible_themes(run)[0]
    last = -(-theme.size // 5)
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}?page={last + 3}").text
    first = 5 * (last - 1) + 1
    assert f"Entries {first} to {theme.size} of {theme.size}" in page
    assert page.count('name="entry"') == theme.size - first + 1


def test_merging_a_theme_another_member_has_just_merged_says_so(app, client, team, run):
    a, b, c = visible_themes(run)[:3]
    base = f"/staff/workspace/runs/{run.id}/themes"
    stale = hidden_fields(client.get(f"{base}/{a.id}").text)  # B is in its list
    other = app.test_client()
    sign_in(other, make_staff("strategy"))
    token = hidden_fields(other.get(f"{base}/{c.id}").text)
    assert other.post(f"{base}/{c.id}/merge", data={**token, "other": b.id}).status_code == 303
    response = client.post(f"{base}/{a.id}/merge", data={**stale, "other": b.id})
    assert response.status_code == 400
    told = f"“{b.label}” was merged into “{c.label}” after this page was opened"
    assert f"{told}: choose a current theme" in unescape(response.text)
    assert "Not a valid choice" not in response.text
    for huge in ("99999999999999999999", "0", "-3"):
        response = client.post(f"{base}/{a.id}/merge", data={**stale, "other": huge})
        assert response.status_code == 400, huge


def test_a_theme_merged_meanwhile_says_where_its_entries_went(app, client, team, run):
    """Another member merged B into A while this one had B open: a rename (or any change) sent
    from B's page says into which theme, and links to it, instead of offering B's forms again
    with advice to merge B (it holds no entries now)."""
    a, b = visible_themes(run)[:2]
    base = f"/staff/workspace/runs/{run.id}/themes"
    stale = hidden_fields(client.get(f"{base}/{b.id}").text)
    other = app.test_client()
    sign_in(other, make_staff("strategy"))
    token = hidden_fields(other.get(f"{base}/{a.id}").text)
    assert other.post(f"{base}/{a.id}/merge", data={**token, "other": b.id}).status_code == 303
    response = client.post(f"{base}/{b.id}/rename", data={**stale, "label": "Buses"})
    assert response.status_code == 400
    page = unescape(response.text)
    told = f"“{b.label}” was merged into “{a.label}” after this page was opened"
    assert told in page
    notice = page.split('id="merged-into"')[1].split("</div>")[0]
    assert f'/runs/{run.id}/themes/{a.id}">{a.label}</a>' in notice
    assert "Rename the theme" not in page and "merge this one into it" not in page
    # The same merge sent twice (a double click) is told it was made.
    response = other.post(f"{base}/{a.id}/merge", data={**token, "other": b.id})
    assert response.status_code == 400 and told in unescape(response.text)
