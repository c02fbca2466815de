"""Engage: public consultation and engagement for local partnerships."""

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS, Config

__version__ = "0.1.0"


def create_app(config: type[Config] | str | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, errors, CLI."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=os.environ.get("ENGAGE_INSTANCE_DIR", str(BASE_DIR / "instance")),
    )
    _load_config(app, config)
    _init_templates(app)
    _init_extensions(app)
    _init_url_converters(app)
    _register_blueprints(app)

    from engage import audit, errors_views, security

    errors_views.register(app)
    security.register(app)
    audit.register(app)

    from engage.cli import engage_cli

    app.cli.add_command(engage_cli)
    return app


def _load_config(app: Flask, config: type[Config] | str | None) -> None:
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("ENGAGE_ENV", "development")]
    if hasattr(config, "check"):
        config.check()
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from engage import template_helpers

    template_helpers.register(app)


def _init_extensions(app: Flask) -> None:
    from engage import models  # noqa: F401 - registers the tables with the metadata
    from engage.db import configure_engine
    from engage.extensions import csrf, db, login_manager, migrate
    from engage.jobs import init_app as init_jobs
    from engage.models._types import render_migration_item

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(BASE_DIR / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    init_jobs(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    # Staff sessions are checked on the server (engage.staff); Flask-Login's own protection
    # would rewrite every resident's session cookie on every page.
    login_manager.session_protection = None
    with app.app_context():
        configure_engine(db.engine)


def _init_url_converters(app: Flask) -> None:
    from engage.numbers import IntegerConverter

    # Before the blueprints: each rule takes its converter when it is added.
    app.url_map.converters["int"] = IntegerConverter


def _register_blueprints(app: Flask) -> None:
    from engage import staff  # noqa: F401 - registers the session loader
    from engage.admin import bp as admin_bp
    from engage.auth import bp as auth_bp
    from engage.judging import bp as judging_bp
    from engage.moderation import bp as moderation_bp
    from engage.public import bp as public_bp
    from engage.reports import bp as reports_bp
    from engage.workspace import bp as workspace_bp

    blueprints = (public_bp, auth_bp, moderation_bp, admin_bp, judging_bp, workspace_bp, reports_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def warm_up(app: Flask) -> None:
    """Compile every template and load the moderation detectors now, so a new worker's first
    requests are as fast as the rest (and hold no database lock while a model loads)."""
    from engage.services.moderation import warm_up as warm_up_detectors

    ours = (BASE_DIR / "templates").rglob("*.html")
    for path in ours:
        app.jinja_env.get_template(path.relative_to(BASE_DIR / "templates").as_posix())
    warm_up_detectors()
