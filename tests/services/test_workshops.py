"""Importing checked workshop sheets: pending submissions, partners, areas, once per file,
and only while the consultation takes them."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.errors import ImportError_, NotAccepting
from engage.extensions import db
from engage.models import (
    ModerationStatus,
    Partner,
    RespondentDetails,
    Role,
    Submission,
    User,
    Wish,
    WorkshopImport,
)
from engage.models._types import utcnow
from engage.services import references, workshops
from engage.services.search import search_key
from engage.services.workshop_sheets import TEMPLATE_COLUMNS, preview_sheet, problems_csv
from engage.services.workshops import AlreadyImported, import_workshop
from tests.factories import make_area, make_consultation
from tests.sheet_files import csv_bytes, read_csv

HEADER = list(TEMPLATE_COLUMNS)


def make_user(name="Olive Officer"):
    user = User(email=f"{name.split()[0].lower()}@example.org", name=name, role=Role.OFFICER)
    user.password_hash = "x"
    db.session.add(user)
    db.session.flush()
    return user


def do_import(consultation, preview, user=None, **overrides):
    values = {
        "partner_name": "St Mary's School",
        "event_name": "Year 6 assembly",
        "event_date": date(2025, 3, 4),
        "user": user or make_user(),
    }
    values.update(overrides)
    return import_workshop(consultation, preview, **values)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def sheet_preview(rows=None):
    rows = rows or [HEADER, ["More buses", "Safer parks", "", "", ""], ["Youth club"]]
    return preview_sheet("workshop.csv", csv_bytes(rows))


def test_one_bad_row_previews_imports_and_exports(app):
    consultation = make_consultation()
    rows = [HEADER, ["Buses", "", "", "", ""], ["Parks", "", "", "NOT A CODE", ""], ["Bins"]]
    preview = preview_sheet("s.csv", csv_bytes(rows))
    assert [r.row_number for r in preview.valid] == [2, 4]
    (problem,) = preview.problems
    assert problem.row_number == 3
    assert problem.messages == ("Postcode 'NOT A CODE' is not a full UK postcode, such as DE1 2AB",)
    record = do_import(consultation, preview)
    assert record.rows_imported == 2 and count(Submission) == 2
    exported = read_csv(problems_csv(preview))
    assert exported[0] == [*HEADER, "errors"]
    assert exported[1:] == [["Parks", "", "", "NOT A CODE", "", f"Row 3: {problem.messages[0]}"]]


def test_import_stores_pending_workshop_submissions(app):
    consultation = make_consultation()
    user = make_user()
    preview = sheet_preview()
    record = do_import(consultation, preview, user, partner_name="  St Mary's   School ")
    db.session.commit()
    assert record.partner.name == "St Mary's School"
    assert (record.filename, record.file_sha256) == ("workshop.csv", preview.sha256)
    assert record.imported_by == user and record.rows_imported == 2
    first, second = db.session.scalars(select(Submission).order_by(Submission.sheet_row))
    assert first.channel == "workshop" and first.workshop_import == record
    assert first.sheet_row == 2 and second.sheet_row == 3
    assert first.form_token == f"workshop:{preview.sha256[:32]}:2"
    assert first.reference.startswith("W-") and first.reference != second.reference
    assert [(w.position, w.text) for w in first.wishes] == [(1, "More buses"), (2, "Safer parks")]
    assert all(w.status == ModerationStatus.PENDING for w in first.wishes)
    assert first.wishes[0].search_key == search_key("More buses")
    assert first.details is None


def test_partner_is_found_whatever_its_case(app):
    consultation = make_consultation()
    user = make_user()
    first = do_import(consultation, sheet_preview(), user, partner_name="Oak Residents")
    other = sheet_preview([HEADER, ["Something else"]])
    second = do_import(consultation, other, user, partner_name="oak residents")
    assert second.partner is first.partner and count(Partner) == 1
    # Beyond ASCII too, on SQLite as on PostgreSQL (SQLite's lower() leaves "É" as it is).
    third = do_import(
        consultation, sheet_preview([HEADER, ["A"]]), user, partner_name="Café Émeraude"
    )
    fourth = do_import(
        consultation, sheet_preview([HEADER, ["B"]]), user, partner_name="CAFÉ ÉMERAUDE"
    )
    assert fourth.partner is third.partner and count(Partner) == 2


def test_postcode_is_mapped_to_the_consultations_area(app):
    ours = make_area(districts=["DE22"])
    make_area(districts=["DE99"])
    consultation = make_consultation()
    consultation.areas.append(ours)
    rows = [
        HEADER,
        ["Buses", "", "", "de22 1ab", "16 to 24"],
        ["Parks", "", "", "DE99 1AB", ""],
        ["Bins", "", "", "", "Under 16"],
        ["Trees"],
    ]
    do_import(consultation, sheet_preview(rows))
    db.session.commit()
    subs = {s.sheet_row: s for s in db.session.scalars(select(Submission))}
    assert subs[2].area == ours
    assert (subs[2].details.postcode, subs[2].details.age_band) == ("DE22 1AB", "16_24")
    assert subs[3].area is None and subs[3].details.postcode == "DE99 1AB"
    assert subs[4].area is None and subs[4].details.age_band == "under_16"
    assert subs[5].details is None and count(RespondentDetails) == 3


def test_same_file_twice_is_refused_and_nothing_doubles(app):
    consultation = make_consultation()
    preview = sheet_preview()
    do_import(consultation, preview, make_user("Olive Officer"))
    db.session.commit()
    with pytest.raises(AlreadyImported) as caught:
        do_import(
            consultation,
            preview_sheet(
                "renamed.csv",
                csv_bytes([HEADER, ["More buses", "Safer parks", "", "", ""], ["Youth club"]]),
            ),
            make_user("Sam Second"),
        )
    assert caught.value.status == 409
    assert "by Olive Officer" in caught.value.message
    assert "workshop.csv" in caught.value.message and " at " in caught.value.message
    db.session.commit()
    assert (count(WorkshopImport), count(Submission), count(Wish)) == (1, 2, 3)
    assert count(Partner) == 1


def test_same_file_in_another_consultation_is_refused(app):
    preview = sheet_preview()
    first = make_consultation()
    do_import(first, preview)
    db.session.commit()
    with pytest.raises(AlreadyImported, match=re.escape(first.title)):
        do_import(make_consultation(), preview, make_user("Sam Second"))
    assert count(Submission) == 2


def test_form_tokens_keep_a_racing_import_from_doubling(app, monkeypatch):
    """Two officers import the same file at once: the loser's check saw nothing yet."""
    consultation = make_consultation()
    preview = sheet_preview()
    do_import(consultation, preview)
    db.session.commit()
    real_check = workshops._refuse_if_imported
    calls = []

    def late_check(*args):
        calls.append(args)
        if len(calls) > 1:  # the first check ran before the winner committed
            real_check(*args)

    monkeypatch.setattr(workshops, "_refuse_if_imported", late_check)
    user = make_user("Sam Second")
    with pytest.raises(AlreadyImported):
        do_import(consultation, preview, user, partner_name="A new partner")
    db.session.commit()
    assert len(calls) == 2
    assert (count(WorkshopImport), count(Submission), count(Partner)) == (1, 2, 1)


def test_rows_stored_under_the_files_tokens_block_the_import(app):
    consultation = make_consultation()
    preview = sheet_preview()
    stray = Submission(
        consultation=consultation,
        reference="W-0000-00",
        form_token=f"workshop:{preview.sha256[:32]}:2",
    )
    db.session.add(stray)
    db.session.flush()
    with pytest.raises(AlreadyImported, match="already been imported"):
        do_import(consultation, preview)
    assert (count(WorkshopImport), count(Submission)) == (0, 1)


def test_a_clashing_reference_is_retried(app, monkeypatch):
    consultation = make_consultation()
    do_import(consultation, sheet_preview([HEADER, ["Buses"]]))
    taken = db.session.scalar(select(Submission.reference))
    fresh = iter([taken, "W-FRSH-01", "W-FRSH-02"])
    monkeypatch.setattr(references, "new_reference", lambda prefix: next(fresh))
    record = do_import(consultation, sheet_preview([HEADER, ["Parks"]]), make_user("Sam Second"))
    db.session.commit()
    assert record.rows_imported == 1 and record.id is not None
    assert count(WorkshopImport) == 2 and count(Partner) == 1
    stored = db.session.scalar(select(Submission).where(Submission.workshop_import == record))
    assert stored.reference == "W-FRSH-01" and stored.wishes[0].text == "Parks"


@pytest.mark.parametrize(
    ("opens", "closes", "accepted"),
    [
        (-10, 10, True),
        (-60, -29, True),
        (-60, -31, False),
        (2, 30, False),
    ],
)
def test_import_window_runs_to_30_days_after_closing(app, opens, closes, accepted):
    now = utcnow()
    consultation = make_consultation(
        opens_at=now + timedelta(days=opens), closes_at=now + timedelta(days=closes)
    )
    if accepted:
        assert do_import(consultation, sheet_preview()).rows_imported == 2
        return
    with pytest.raises(NotAccepting) as caught:
        do_import(consultation, sheet_preview())
    assert consultation.title in caught.value.message
    assert count(Submission) == 0


def test_closed_message_says_until_when(app):
    now = utcnow()
    consultation = make_consultation(
        opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=40)
    )
    with pytest.raises(NotAccepting, match="could be imported until .* 30 days after it closed"):
        do_import(consultation, sheet_preview())


@pytest.mark.parametrize("field", ["partner_name", "event_name"])
@pytest.mark.parametrize("value", ["", "   ", "x" * 201])
def test_partner_and_event_names_are_required(app, field, value):
    with pytest.raises(ImportError_):
        do_import(make_consultation(), sheet_preview(), **{field: value})
    assert count(WorkshopImport) == 0
