"""The people's vote in a photo competition: one per browser per competition (a random id in a
signed cookie), and a limit per connection. See README, "What the one-vote rule does and does
not prevent"."""

import secrets

from flask import abort, current_app, flash, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from engage.extensions import db
from engage.models._types import utcnow
from engage.public import bp
from engage.public.paging import page_place
from engage.services import ratelimit
from engage.services.photos import cast_vote, get_competition, get_public_entry, get_vote
from engage.template_helpers import closing_datetime, local_datetime

VOTER_COOKIE = "engage_voter"
VOTER_COOKIE_DAYS = 365


def _voter_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="engage.voter")


def voter_key() -> str | None:
    """The id in this browser's signed voter cookie, if it has a genuine one."""
    raw = request.cookies.get(VOTER_COOKIE)
    if not raw:
        return None
    try:
        value = _voter_serializer().loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) and 16 <= len(value) <= 64 else None


@bp.post("/competitions/<slug>/photos/<int:entry_id>/vote")
def vote(slug, entry_id):
    """The people's vote: one per browser per competition, and a limit per connection."""
    competition = get_competition(slug) or abort(404)
    entry = get_public_entry(competition, entry_id) or abort(404)
    here = page_place(request.args)  # the gallery page the photo was opened from
    back = redirect(url_for("public.show_entry", slug=slug, entry_id=entry.id, **here), 303)
    if not competition.voting_open():
        # A page left open from before voting closed (or opened): back to the photo, whose
        # page gives the dates, saying the vote did not count.
        flash(f"Your vote was not counted: {_voting_dates(competition)}")
        return back
    voter = voter_key() or secrets.token_urlsafe(24)
    if get_vote(competition, voter) is None:  # a browser's second click adds no vote to limit
        ratelimit.hit(
            f"votes:{competition.id}:{request.remote_addr}",
            current_app.config["VOTE_RATE_LIMIT"],
            current_app.config["VOTE_RATE_WINDOW"],
        )
    counted = cast_vote(competition, entry, voter)
    db.session.commit()
    if counted:
        # The title isolated (first strong isolate ... pop), as <bdi dir="auto"> would be: the
        # message is plain text, and a right-to-left title would take its quotes with it.
        flash(f"Thank you: your vote for “\u2068{entry.title}\u2069” is counted.", "success")
    else:
        flash("You have already voted in this competition: your first vote stands.")
    back.set_cookie(
        VOTER_COOKIE,
        _voter_serializer().dumps(voter),
        max_age=VOTER_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return back


def _voting_dates(competition) -> str:
    if utcnow() < competition.voting_open_at:
        return f"voting opens on {local_datetime(competition.voting_open_at)}."
    return f"voting closed on {closing_datetime(competition.voting_close_at)}."
