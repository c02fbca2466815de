"""Staff accounts: list, add, disable and enable, reset a forgotten password or a lost
authenticator."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from sqlalchemy import select
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length

from engage import audit
from engage.admin import bp
from engage.errors import EngageError
from engage.extensions import db
from engage.models import ROLE_LABELS, Role, User
from engage.services.auth import (
    create_user,
    disable_user,
    enable_user,
    get_user_by_email,
    lock_account,
    reset_sign_in,
)
from engage.services.text import clean_text
from engage.staff import staff_user
from engage.widgets import RadioInput


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        # Cleaned first, so a name of only spaces or invisible characters counts as none, and
        # a pasted control character (PostgreSQL refuses NUL) never reaches the database.
        filters=[clean_text],
        validators=[DataRequired("Enter their name"), Length(max=120)],
        widget=GovTextInput(),
    )
    email = StringField(
        "Email address",
        validators=[
            InputRequired("Enter their email address"),
            Email("Enter an email address like name@example.org"),
            Length(max=254),
        ],
        widget=GovTextInput(),
    )
    role = RadioField(
        "Role",
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
        validators=[InputRequired("Choose a role")],
        widget=RadioInput(),
    )
    password = PasswordField(
        "First password",
        description="At least 8 characters. They set up "
        "their authenticator app when they first sign in.",
        validators=[InputRequired("Enter a first password")],
        widget=GovPasswordInput(),
    )


@bp.route("/users", methods=["GET", "POST"])
def users():
    """Every staff account, and a form to add one."""
    form = UserForm()
    problem = None
    if form.validate_on_submit():
        if repeated := _same_account(form):
            # A double click, or the form sent again: the account was added the first time.
            flash(f"{repeated.name} has an account already ({ROLE_LABELS[repeated.role]})")
            return redirect(url_for("admin.users"), 303)
        try:
            user = create_user(
                form.email.data, form.name.data, Role(form.role.data), form.password.data
            )
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            audit.record("user_created", target_user=user.id, target_role=user.role.value)
            flash(f"Added {user.name} ({ROLE_LABELS[user.role]})")
            return redirect(url_for("admin.users"), 303)
    form.password.data = None
    accounts = list(db.session.scalars(select(User).order_by(User.name)))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/users.html", form=form, accounts=accounts, problem=problem, roles=ROLE_LABELS
    ), status


def _same_account(form: UserForm) -> User | None:
    """The account these details describe already: same email, name and role."""
    user = get_user_by_email(form.email.data)
    if user and (user.name, user.role.value) == (form.name.data, form.role.data):
        return user
    return None


@bp.route("/users/<int:user_id>/disable", methods=["GET", "POST"])
def disable(user_id):
    """Disable an account, once asked: every session it has ends at once."""
    user = _other_account(user_id)
    if request.method == "GET":
        return render_template("admin/user_disable.html", account=user, roles=ROLE_LABELS)
    lock_account(user)  # sent twice at once: the second waits, then is told it is done
    if not user.active:
        # A double click, or a second admin disabling it too: it is done already.
        flash(f"{user.name}'s account was disabled already")
        return redirect(url_for("admin.users"), 303)
    disable_user(user)
    db.session.commit()
    audit.record("user_disabled", target_user=user.id, target_role=user.role.value)
    flash(f"Disabled {user.name}: they are signed out everywhere")
    return redirect(url_for("admin.users"), 303)


def _other_account(user_id: int) -> User:
    """An account an admin may change: not their own (they would lock themselves out)."""
    user = db.session.get(User, user_id) or abort(404)
    if user.id == staff_user().id:
        abort(400)
    return user


@bp.post("/users/<int:user_id>/enable")
def enable(user_id):
    """Let a disabled account sign in again."""
    user = _other_account(user_id)
    enable_user(user)
    db.session.commit()
    audit.record("user_enabled", target_user=user.id, target_role=user.role.value)
    flash(f"Enabled {user.name}: they can sign in again")
    return redirect(url_for("admin.users"), 303)


class ResetForm(FlaskForm):
    password = PasswordField(
        "New first password",
        description="At least 8 characters. Give it to them in person or by phone; they set up "
        "their authenticator app again when they next sign in.",
        validators=[InputRequired("Enter a new first password")],
        widget=GovPasswordInput(),
    )


@bp.route("/users/<int:user_id>/reset", methods=["GET", "POST"])
def reset(user_id):
    """A new first password and a new authenticator: for a forgotten password or lost phone."""
    user = _other_account(user_id)
    form = ResetForm()
    problem = None
    if form.validate_on_submit():
        try:
            reset_sign_in(user, form.password.data)
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            audit.record("user_sign_in_reset", target_user=user.id, target_role=user.role.value)
            flash(
                f"Reset {user.name}'s sign-in: they are signed out everywhere, and set up their"
                " authenticator app again with the new password"
            )
            return redirect(url_for("admin.users"), 303)
    form.password.data = None
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/user_reset.html", form=form, account=user, problem=problem
    ), status
