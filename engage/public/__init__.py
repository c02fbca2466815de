"""Pages for residents: no account needed."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# Registers the views on bp: the wishes, the draft strategy's pages, the photo competition,
# the equalities questions and residents' rights (with the privacy, accessibility and cookies
# pages).
from engage.public import (  # noqa: E402,F401
    addresses,
    equalities,
    finished,
    pages,
    photos,
    rights,
    routes,
    strategy,
    strategy_compare,
    votes,
)
