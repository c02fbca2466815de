"""The page of a list a resident asked for with ?page=N."""

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from engage.extensions import db

MAX_PAGE = 10_000  # beyond any real list; keeps offsets within the database's integers


def page_or_last(query: Select, per_page: int) -> Pagination | int:
    """The requested page of query or, past the last page, the last page's number (1 for an
    empty list) for the view to send the resident there: a link kept from before moderators
    took entries down, or a number typed. 404 for a page before the first, as for any other
    address that shows nothing; a page that is not a number is the first."""
    number = request.args.get("page", 1, type=int)
    if number < 1:
        abort(404)
    page = db.paginate(query, page=min(number, MAX_PAGE), per_page=per_page, error_out=False)
    last = min(max(page.pages, 1), MAX_PAGE)
    return last if number > last else page


def page_param(number: int) -> dict[str, int]:
    """The ``page`` parameter of a link to page ``number``: none for page 1, nor for a page no
    list could have (the first page in its place)."""
    return {"page": number} if 1 < number <= MAX_PAGE else {}


def page_place(args: MultiDict) -> dict[str, int]:
    """The ``page`` parameter in ``args``, to carry to a link back to that page of the list."""
    return page_param(args.get("page", 1, type=int))
