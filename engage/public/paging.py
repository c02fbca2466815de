"""The page of a list a resident asked for with ?page=N."""

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from engage.extensions import db

MAX_PAGE = 10_000  # beyond any real list; keeps offsets within the database's integers


def page_or_404(query: Select, per_page: int) -> Pagination:
    """The requested page of query; 404 for a page that does not exist (before the first, past
    the last), as for any other address that shows nothing. Page 1 of an empty list exists."""
    number = request.args.get("page", 1, type=int)
    if number > MAX_PAGE:
        abort(404)
    return db.paginate(query, page=number, per_page=per_page, error_out=True)


def page_param(number: int) -> dict[str, int]:
    """The ``page`` parameter of a link to page ``number``: none for page 1, nor for a page no
    list could have (the first page in its place)."""
    return {"page": number} if 1 < number <= MAX_PAGE else {}


def page_place(args: MultiDict) -> dict[str, int]:
    """The ``page`` parameter in ``args``, to carry to a link back to that page of the list."""
    return page_param(args.get("page", 1, type=int))
