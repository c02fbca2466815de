"""'Clear my answers from this browser': on a shared or public computer (a library, a drop-in
session), the next person must not open the last one's confirmation or "about you" answers."""

from flask import flash, redirect, session, url_for

from engage.public import bp, equalities, photos, resent, routes, strategy

# What this browser's session holds of what its user sent.
_SENT_KEYS = (
    routes._SESSION_KEY,
    strategy._SESSION_KEY,
    photos._SESSION_KEY,
    equalities._SESSION_KEY,
    resent._SESSION_KEY,
)


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
