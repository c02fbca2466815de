"""`flask engage …` commands."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from engage.db import write_transactions
from engage.extensions import db
from engage.models.user import Role

engage_cli = AppGroup("engage", help="Engage administration commands.")


@engage_cli.command("seed-demo")
@click.option(
    "--wishes",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="How many approved wishes to add.",
)
def seed_demo(wishes: int) -> None:
    """Create the demo consultation "3 wishes for Derby in 2026" with areas and wishes."""
    from engage.demo import seed_demo as seed

    with write_transactions():
        consultation, created = seed(approved_wishes=wishes)
        db.session.commit()
    verb = "Created" if created else "Already present:"
    click.echo(f"{verb} {consultation.title} at /consultations/{consultation.slug}")


@engage_cli.command("import-areas")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", help="Also attach the areas to this consultation.")
def import_areas(csv_file: Path, slug: str | None) -> None:
    """Import areas from a CSV file with columns code,name,postcode_districts."""
    from engage.errors import EngageError
    from engage.services.consultations import get_consultation
    from engage.services.consultations import import_areas as do_import

    consultation = get_consultation(slug) if slug else None
    if slug and consultation is None:
        raise click.ClickException(f"No consultation with slug {slug!r}")
    with write_transactions():
        try:
            areas = do_import(csv_file.read_text(encoding="utf-8-sig"), consultation)
        except EngageError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
    click.echo(f"Imported {len(areas)} areas")


@engage_cli.command("create-user")
@click.option("--email", prompt=True, help="Their email address (they sign in with it).")
@click.option("--name", prompt=True, help="Their full name.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default="admin",
    show_default=True,
)
@click.password_option(help="Their first password (at least 8 characters).")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account (the first admin, for example)."""
    from engage.errors import EngageError
    from engage.services.auth import create_user as create

    with write_transactions():
        try:
            user = create(email, name, Role(role), password)
        except EngageError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
    click.echo(
        f"Created {user.role.value} {user.email}. They set up their authenticator app "
        "when they first sign in at /staff/sign-in."
    )


@engage_cli.command("reset-sign-in")
@click.option("--email", prompt=True, help="The email address the account signs in with.")
@click.password_option(help="Their new first password (at least 8 characters).")
def reset_sign_in(email: str, password: str) -> None:
    """A new first password and a new authenticator for an account: for the only admin, who has
    no other admin to reset it on the Users page, after a forgotten password or a lost phone."""
    from engage import audit
    from engage.errors import EngageError
    from engage.services.auth import get_user_by_email
    from engage.services.auth import reset_sign_in as reset

    user = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email.strip().lower()}")
    with write_transactions():
        try:
            reset(user, password)
        except EngageError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
    audit.record("user_sign_in_reset", target_user=user.id, target_role=user.role.value)
    click.echo(
        f"Reset the sign-in of {user.email}: signed out everywhere; they set up their "
        "authenticator app again when they next sign in at /staff/sign-in."
    )
    if not user.active:
        click.echo("The account is disabled: an admin enables it on the Users page.")


@engage_cli.command("retention")
def retention() -> None:
    """Remove personal data whose retention period has ended (see the privacy notice)."""
    from engage import audit
    from engage.services.retention import Policy, apply_retention
    from engage.services.workshops import legacy_sheets_folder
    from engage.storage import get_storage

    policy = Policy.from_config(current_app.config)
    sheets = legacy_sheets_folder(current_app.config["UPLOAD_FOLDER"])
    with write_transactions():
        removed = apply_retention(policy, get_storage(), sheet_folder=sheets)
        db.session.commit()
    counts = vars(removed)
    audit.record("retention", counts=counts)
    for name, count in counts.items():
        click.echo(f"{name.replace('_', ' ')}: {count}")


@engage_cli.command("analyse")
@click.argument("consultation")
@click.option("--themes", type=click.IntRange(2, 100), help="How many themes (default: chosen).")
def analyse(consultation: str, themes: int | None) -> None:
    """Run the analysis over a consultation's published entries (slug or id), in the
    foreground, carrying the strategy team's edits over from the previous run."""
    from engage.errors import EngageError
    from engage.numbers import parse_id
    from engage.services.analysis_runs import start_run
    from engage.services.consultations import get_consultation, get_consultation_by_id

    found = get_consultation(consultation)
    if found is None and (number := parse_id(consultation)) is not None:
        found = get_consultation_by_id(number)
    if found is None:
        raise click.ClickException(f"No consultation with slug or id {consultation!r}")
    current_app.config["JOB_BACKEND"] = "inline"  # this command waits for the run
    with write_transactions():
        try:
            run = start_run(found, None, themes)
        except EngageError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()  # the run's job starts now, here
    db.session.refresh(run)
    if run.status != "done":
        raise click.ClickException(f"Run {run.id} failed: {run.error}")
    shown = [t for t in run.themes if t.visible]
    click.echo(f"Run {run.id}: {len(shown)} themes in {run.n_entries} entries")
    for theme in sorted(shown, key=lambda t: -t.size):
        click.echo(f"  {theme.size:>6}  {theme.label}")


@engage_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run background jobs sent through Redis (REDIS_URL) until stopped."""
    from engage.jobs_rq import work

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to the Redis server the app servers use.")
    work(current_app._get_current_object(), burst=burst)


@engage_cli.command("backup")
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    help="A new folder for the backup (default: instance/backups/<UTC time>).",
)
def backup(target: Path | None) -> None:
    """A consistent backup of the database, uploads and analysis models, taken while the app
    runs."""
    from engage.models._types import utcnow
    from engage.services.backup import BackupError
    from engage.services.backup import backup as do_backup
    from engage.services.run_models import model_folder

    config = current_app.config
    if target is None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = Path(current_app.instance_path) / "backups" / f"engage-{stamp}"
    try:
        manifest = do_backup(
            config["SQLALCHEMY_DATABASE_URI"],
            config["UPLOAD_FOLDER"],
            target,
            config.get("STORAGE_BACKEND", "filesystem"),
            model_folder(current_app.instance_path),
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the {manifest['dialect']} database to {target}")
    if manifest["note"]:
        click.echo(manifest["note"])


@engage_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.confirmation_option(
    prompt="This replaces the database, uploads and analysis models with the backup's. Are the "
    "app servers and workers stopped, and do you want to go on?"
)
def restore(source: Path) -> None:
    """Put the database, uploads and analysis models back as they were in a backup folder."""
    from engage.services.backup import BackupError
    from engage.services.backup import restore as do_restore
    from engage.services.run_models import model_folder

    config = current_app.config
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the tables the restore replaces
    try:
        manifest = do_restore(
            config["SQLALCHEMY_DATABASE_URI"],
            config["UPLOAD_FOLDER"],
            source,
            model_folder(current_app.instance_path),
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the backup of {manifest['created_at']} from {source}")
