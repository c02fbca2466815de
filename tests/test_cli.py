"""`flask engage …` commands, run as a user runs them."""

from engage.extensions import db
from engage.models import Consultation, ModerationStatus, StaffSession, Wish
from engage.services.consultations import get_area_by_code
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_consultation


def test_seed_demo_creates_a_living_consultation_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["engage", "seed-demo", "--wishes", "120"])
    assert result.exit_code == 0, result.output
    assert "Created 3 wishes for Derby in 2026" in result.output
    consultation = db.session.query(Consultation).one()
    assert consultation.is_open() and len(consultation.areas) == 8
    wishes = db.session.query(Wish).all()
    assert len(wishes) == 120 and all(w.status == ModerationStatus.APPROVED for w in wishes)
    assert len({w.text for w in wishes}) > 80  # varied, not one sentence repeated
    again = runner.invoke(args=["engage", "seed-demo"])
    assert "Already present" in again.output
    assert db.session.query(Wish).count() == 120


def test_seed_demo_refuses_a_negative_number_of_wishes(app):
    result = app.test_cli_runner().invoke(args=["engage", "seed-demo", "--wishes", "-5"])
    assert result.exit_code == 2 and "-5 is not in the range x>=0" in result.output
    assert db.session.query(Consultation).count() == 0  # nothing made


def test_seeded_wall_is_searchable(app, client):
    app.test_cli_runner().invoke(args=["engage", "seed-demo"])
    page = client.get("/consultations/3-wishes-derby-2026/wall?q=bus")
    assert page.status_code == 200 and "matching “bus”" in page.text


def test_import_areas(app, tmp_path):
    make_consultation(slug="derby")
    db.session.commit()
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text(
        "code,name,postcode_districts\nA1,Abbey,DE22;de23\nS1,Spondon,DE21\n", encoding="utf-8"
    )
    result = app.test_cli_runner().invoke(
        args=["engage", "import-areas", str(csv_file), "--consultation", "derby"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 2 areas" in result.output
    abbey = get_area_by_code("A1")
    assert abbey.postcode_districts == ["DE22", "DE23"]
    assert [a.code for a in db.session.query(Consultation).one().areas] == ["A1", "S1"]


def test_import_areas_reports_bad_rows_and_imports_nothing(app, tmp_path):
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text("code,name,postcode_districts\nA1,Abbey,NOTADISTRICT\n,,DE1\n")
    result = app.test_cli_runner().invoke(args=["engage", "import-areas", str(csv_file)])
    assert result.exit_code != 0
    assert "row 2: a postcode district is not valid" in result.output
    assert "row 3: code and name are required" in result.output
    assert get_area_by_code("A1") is None


def test_import_areas_missing_columns(app, tmp_path):
    csv_file = tmp_path / "areas.csv"
    csv_file.write_text("name\nAbbey\n")
    result = app.test_cli_runner().invoke(args=["engage", "import-areas", str(csv_file)])
    assert result.exit_code != 0 and "missing: code, postcode_districts" in result.output


def test_create_user_offers_every_role(app):
    from engage.models import Role, User

    runner = app.test_cli_runner()
    help_text = runner.invoke(args=["engage", "create-user", "--help"]).output
    for role in Role:
        assert role.value in help_text
    result = runner.invoke(
        args=["engage", "create-user", "--role", "judge", "--email", "judge@example.org"],
        input="Jo Judge\ncorrect horse battery staple\ncorrect horse battery staple\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(User).one().role == Role.JUDGE


def test_create_user_refuses_a_blank_name_or_a_mistyped_email(app):
    from engage.models import User

    runner = app.test_cli_runner()
    password = "correct horse battery staple\n" * 2
    for email, name, problem in [
        ("jo@example.org", " \t ", "Enter their name"),
        ("jo example.org", "Jo", "'jo example.org' is not an email address"),
        ("jo@example", "Jo", "'jo@example' is not an email address"),
    ]:
        result = runner.invoke(
            args=["engage", "create-user", "--email", email, "--name", name], input=password
        )
        assert result.exit_code != 0 and problem in result.output
    assert db.session.query(User).count() == 0
    result = runner.invoke(
        args=["engage", "create-user", "--email", " Jo@Example.org ", "--name", " Jo\x00 Bloggs"],
        input=password,
    )
    assert result.exit_code == 0, result.output
    assert [(u.email, u.name) for u in db.session.query(User)] == [("jo@example.org", "Jo Bloggs")]


def test_reset_sign_in_lets_the_only_admin_back_in(app):
    admin = make_staff("admin")
    signed_in = app.test_client()
    sign_in(signed_in, admin)
    runner = app.test_cli_runner()
    new_password = "a brand new passphrase\n" * 2
    unknown = runner.invoke(
        args=["engage", "reset-sign-in", "--email", "nobody@example.org"], input=new_password
    )
    assert unknown.exit_code != 0 and "No account for nobody@example.org" in unknown.output
    weak = runner.invoke(
        args=["engage", "reset-sign-in", "--email", admin.email], input="password\npassword\n"
    )
    assert weak.exit_code != 0
    result = runner.invoke(
        args=["engage", "reset-sign-in", "--email", admin.email.upper()], input=new_password
    )
    assert result.exit_code == 0, result.output
    assert f"Reset the sign-in of {admin.email}" in result.output
    db.session.expire_all()
    assert admin.totp_secret is None
    assert all(s.ended_at for s in db.session.query(StaffSession).filter_by(user_id=admin.id))
    assert signed_in.get("/staff/admin/users").status_code == 302  # signed out
    fresh = app.test_client()
    page = fresh.get("/staff/sign-in")
    sent = fresh.post("/staff/sign-in", data={**hidden_fields(page.text), "email": admin.email,
                                              "password": "a brand new passphrase"})  # fmt: skip
    assert sent.status_code == 303 and sent.location.endswith("/staff/sign-in/set-up")
