"""Pages for residents: no account needed."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from engage.public import routes  # noqa: E402,F401 - registers the views on bp
from engage.public import strategy  # noqa: E402,F401 - the draft strategy's pages
