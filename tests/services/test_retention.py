"""The retention policy on a frozen clock: each kind of personal data goes when its period
ends, not a day before; nothing else is touched; a second run changes nothing."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from engage.extensions import db
from engage.models import (
    HeldPhoto,
    PendingSheet,
    PhotoEntry,
    RateLimitHit,
    RespondentDetails,
    RightsRequest,
    Wish,
)
from engage.services.retention import MONTH, Policy, apply_retention
from engage.services.rights import create_link
from engage.services.workshops import legacy_sheets_folder
from engage.storage import get_storage
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry

CLOSED = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
POLICY = Policy(
    contact_months=6,
    photo_original_months=1,
    entrant_contact_months=3,
    client_address_days=30,
    rights_link_days=30,
)


@pytest.fixture
def held(app):
    consultation = make_consultation(
        slug="derby", opens_at=CLOSED - timedelta(days=60), closes_at=CLOSED
    )
    still_open = make_consultation(slug="open")
    wish = make_wish(consultation, text="More buses")
    wish.submission.details = RespondentDetails(
        postcode="DE1 1AA", age_band="25_34", email="sam@example.com", email_consent=True
    )
    other = make_wish(still_open)
    other.submission.details = RespondentDetails(email="alex@example.com", email_consent=True)
    competition = make_competition(
        consultation,
        entries_open_at=CLOSED - timedelta(days=60),
        entries_close_at=CLOSED - timedelta(days=20),
        voting_open_at=CLOSED - timedelta(days=20),
        voting_close_at=CLOSED,
    )
    entry = make_photo_entry(competition)
    db.session.add_all(
        [
            RateLimitHit(key="wishes:203.0.113.9", window_start=int(CLOSED.timestamp()), hits=3),
        ]
    )
    create_link("sam@example.com", hours=24, now=CLOSED)
    db.session.commit()
    return {"wish": wish, "other": other, "entry": entry, "master": entry.master_key}


def _run(now, sheet_folder=None):
    removed = apply_retention(POLICY, get_storage(), now=now, sheet_folder=sheet_folder)
    db.session.commit()
    db.session.expire_all()
    return removed


def test_each_period_ends_on_its_day(app, held):
    storage = get_storage()
    day = timedelta(days=1)
    # The day before anything is due: nothing goes.
    assert _run(CLOSED + 1 * MONTH - day) == _run(CLOSED)
    assert vars(_run(CLOSED + 1 * MONTH - day)) == dict.fromkeys(vars(_run(CLOSED)), 0)
    # One month after voting closed: the full-size photo goes; its gallery copies stay.
    removed = _run(CLOSED + 1 * MONTH)
    assert (removed.photo_originals, removed.client_address_counters) == (1, 1)
    assert removed.rights_requests == 0  # it expired a day after CLOSED: 30 days from then
    entry = db.session.get(PhotoEntry, held["entry"].id)
    assert entry.master_key == "" and entry.email == "sam@example.com"
    with pytest.raises(FileNotFoundError):
        storage.open(held["master"])
    storage.open(entry.display_key).close()
    assert db.session.query(RateLimitHit).count() == 0
    assert _run(CLOSED + 1 * MONTH + day).rights_requests == 1
    assert db.session.query(RightsRequest).count() == 0
    # Three months: the entrant's email.
    assert _run(CLOSED + 3 * MONTH).entrant_emails == 1
    assert db.session.get(PhotoEntry, held["entry"].id).email == ""
    # Six months after the consultation closed: contact details, not the wish or age band.
    assert _run(CLOSED + 6 * MONTH - day).contact_details == 0
    assert _run(CLOSED + 6 * MONTH).contact_details == 1
    wish = db.session.get(Wish, held["wish"].id)
    details = wish.submission.details
    assert (details.email, details.postcode, details.email_consent) == (None, None, False)
    assert details.age_band == "25_34" and wish.text == "More buses"
    # The consultation still open keeps its contact details; a second run changes nothing.
    assert db.session.get(Wish, held["other"].id).submission.details.email == "alex@example.com"
    assert vars(_run(CLOSED + 12 * MONTH)) == dict.fromkeys(vars(removed), 0)
    assert removed.contact_details == 0  # the first month's run touched no contact details


def test_the_command_applies_the_configured_policy_and_is_audited(app, held):
    app.config.update(
        RETENTION_CONTACT_MONTHS=0,
        RETENTION_PHOTO_ORIGINAL_MONTHS=0,
        RETENTION_ENTRANT_CONTACT_MONTHS=0,
    )
    result = app.test_cli_runner().invoke(args=["engage", "retention"])
    assert result.exit_code == 0, result.output
    assert "contact details: 1" in result.output and "photo originals: 1" in result.output
    with open(app.config["AUDIT_LOG"], encoding="utf-8") as log:
        last = json.loads(log.readlines()[-1])
    assert last["event"] == "retention" and last["counts"]["contact_details"] == 1


def test_a_photo_kept_for_a_form_never_sent_goes_after_a_day(app):
    from engage.services.images import process_photo
    from engage.services.photos import hold_photo, store_photo
    from tests import photo_files as pf

    storage = get_storage()
    competition = make_competition()
    held = hold_photo(competition, store_photo(storage, process_photo(pf.jpeg())), "a.jpg")
    held.created_at = CLOSED
    keys = [held.master_key, held.display_key, held.thumb_key]
    db.session.commit()
    assert _run(CLOSED + timedelta(hours=23)).held_photos == 0
    storage.open(keys[0]).close()
    assert _run(CLOSED + timedelta(days=1)).held_photos == 1
    assert db.session.query(HeldPhoto).count() == 0
    for key in keys:
        with pytest.raises(FileNotFoundError):
            storage.open(key)


def test_a_workshop_sheet_checked_but_not_imported_goes_after_a_week(app, client, login_as):
    from engage.models._types import utcnow
    from tests.views.staff.test_workshops import SHEET, _upload

    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("officer")
    preview = _upload(client, consultation, SHEET)
    problems = next(p.split('"')[0] for p in preview.text.split('href="') if "problems.csv" in p)
    assert client.get(problems).status_code == 200
    assert _run(utcnow() + timedelta(days=6)).workshop_sheets == 0
    assert client.get(problems).status_code == 200
    assert _run(utcnow() + timedelta(days=7, minutes=1)).workshop_sheets == 1
    assert client.get(problems).status_code == 404  # the postcodes and wishes in it are gone
    assert db.session.query(PendingSheet).count() == 0


def test_sheets_an_earlier_version_left_on_disk_go_after_a_week(app, tmp_path):
    from engage.models._types import utcnow

    folder = legacy_sheets_folder(tmp_path)
    folder.mkdir()
    (folder / f"{'a' * 64}.upload").write_bytes(b"wish,postcode\nA park,DE1 1AA\n")
    (folder / f"{'a' * 64}.name").write_text("fair.csv")
    assert _run(utcnow() + timedelta(days=6), folder).workshop_sheets == 0
    assert _run(utcnow() + timedelta(days=7, minutes=1), folder).workshop_sheets == 1
    assert list(folder.iterdir()) == []
