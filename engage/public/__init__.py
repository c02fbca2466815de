"""Pages for residents: no account needed."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# Registers the views on bp: the wishes, the draft strategy's pages, the photo competition.
from engage.public import photos, routes, strategy  # noqa: E402,F401
