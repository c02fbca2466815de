"""Response headers every page carries, and write intent for SQLite transactions."""

import secrets

from flask import Flask, g, request

from engage.db import reset_write_intent, set_write_intent

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HSTS = "max-age=63072000; includeSubDomains"
# Every response's policy has these, whatever else a view chose (a photo's own strict policy).
REQUIRED_DIRECTIVES = {"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}


def with_required_directives(policy: str) -> str:
    """The policy with object-src, base-uri and frame-ancestors 'none' added where missing."""
    present = {part.split()[0] for part in policy.split(";") if part.strip()}
    missing = [
        f"{name} {value}" for name, value in REQUIRED_DIRECTIVES.items() if name not in present
    ]
    return "; ".join([policy.rstrip("; "), *missing]) if missing else policy


def csp_nonce() -> str:
    """The nonce that this response's Content-Security-Policy allows scripts to carry."""
    # Kept on the request, not on g: an app context can outlive one request (tests, CLI).
    return request.environ.setdefault("engage.csp_nonce", secrets.token_urlsafe(16))


def register(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _mark_writes():
        if request.method not in _SAFE_METHODS:
            g.write_intent_token = set_write_intent(True)

    @app.teardown_request
    def _unmark_writes(_exc=None):
        token = g.pop("write_intent_token", None)
        if token is not None:
            reset_write_intent(token)

    @app.after_request
    def _headers(response):
        policy = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["Content-Security-Policy"] = with_required_directives(
            response.headers.get("Content-Security-Policy") or policy
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Browsers ignore HSTS over plain HTTP, so sending it always is harmless in development
        # and means no deployment behind a proxy can forget it.
        response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path == "/staff" or request.path.startswith("/staff/"):
            # Staff pages, error pages under /staff included: never kept by a browser or proxy.
            response.headers["Cache-Control"] = "no-store"
        return response
