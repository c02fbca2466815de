"""Response headers every page carries, and write intent for SQLite transactions."""

import secrets

from flask import Flask, g, request

from engage.db import reset_write_intent, set_write_intent

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
