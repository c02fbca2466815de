"""'Clear my answers from this browser': on a shared or public computer (a library, a drop-in
session), the next person must not open the last one's confirmation or "about you" answers."""

from flask import flash, redirect, request, session, url_for

from engage.public import bp, equalities, photos, resent, routes, strategy

# What this browser's session holds of what its user sent.
_SENT_KEYS = (
    routes._SESSION_KEY,
    strategy._SESSION_KEY,
    photos._SESSION_KEY,
    equalities._SESSION_KEY,
    resent._SESSION_KEY,
)

# Pages that show what this browser's user sent or told us about themselves (their wishes,
# email address, postcode, entry): a browser must not keep them, or Back and the history would
# give them to the next person after "Clear my answers". Every form sent back with errors
# holds what was typed, so every POST's answer is not kept either.
_OWN_PAGES = {
    "public.about_you",
    "public.wishes_sent",
    "public.wish_equalities",
    "public.comment_about_you",
    "public.comment_sent",
    "public.comment_equalities",
    "public.entry_sent",
    "public.photo_equalities",
}


@bp.after_request
def _not_kept(response):
    if request.method != "GET" or request.endpoint in _OWN_PAGES:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/finished")
def finished():
    """Forget, in this browser, everything its user sent; what was sent is kept."""
    for key in _SENT_KEYS:
        session.pop(key, None)
    flash(
        "What you sent is cleared from this browser: the next person to use it cannot see it. "
        "We still have it.",
        "success",
    )
    return redirect(url_for("public.index"), 303)
