"""Error pages: clear, generic, with no stack trace; domain errors become 4xx pages."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from engage.errors import EngageError, RateLimited
from engage.extensions import db
from engage.public.kept import posted_texts


def register(app: Flask) -> None:
    @app.errorhandler(EngageError)
    def _domain_error(error: EngageError):
        db.session.rollback()
        response = app.make_response(
            (
                render_template("errors/http.html", title=error.title, message=error.message),
                error.status,
            )
        )
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    app.register_error_handler(CSRFError, _csrf_error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        db.session.rollback()
        if error.code and error.code >= 500:
            return render_template("errors/500.html"), error.code
        if error.code == 413:
            return render_template("public/too_large.html", back=_form_page()), 413
        return (
            render_template(
                "errors/http.html",
                code=error.code,
                title=_TITLES.get(error.code, error.name),
                message=_MESSAGES.get(error.code),
            ),
            error.code,
        )

    @app.errorhandler(OperationalError)
    def _database_busy(error: OperationalError):
        # SQLite waited its busy timeout for the write lock: say so, rather than a bare 500.
        if "locked" not in str(error.orig):
            return _unexpected(error)
        db.session.rollback()
        app.logger.warning("database busy: %s", error)
        response = app.make_response((render_template("errors/busy.html"), 503))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if app.config.get("TESTING") and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_template("errors/500.html"), 500


def _csrf_error(error: CSRFError):
    """A resident's form came without the session cookie (blocked, or lost when the browser
    closed): explain, and give back what they typed rather than a bare 400. Staff forms keep the
    plain page (they hold passwords, and staff are told to allow the cookie)."""
    db.session.rollback()
    if request.blueprint != "public":
        page = render_template(
            "errors/http.html", code=400, title=_TITLES[400], message=_MESSAGES[400]
        )
        return page, 400
    page = render_template("errors/cookies_needed.html", kept=posted_texts(), back=_form_page())
    return page, 400


def _form_page() -> str | None:
    """The page of the form that was sent, when a GET of the same address shows it."""
    rule = request.url_rule
    if request.method == "POST" and rule is not None and "GET" in (rule.methods or ()):
        return request.path
    return None


_TITLES = {
    400: "There is a problem with your request",
    403: "You cannot do that",
    404: "Page not found",
    405: "That is not allowed here",
    429: "Too many requests",
}

_MESSAGES = {
    400: "Something in the request was not right. Go back, reload the page and try again.",
    403: "You do not have permission to see or change this.",
    404: (
        "If you typed the web address, check it is correct. "
        "If you pasted it, check you copied all of it."
    ),
    405: "Go back and use the page's own links and buttons.",
    429: "Wait a few minutes and try again.",
}
