"""The page of a list a resident asked for with ?page=N."""

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from engage.extensions import db

MAX_PAGE = 10_000  # beyond any real list; keeps offsets within the database's integers


def page_or_404(query: Select, per_page: int) -> Pagination:
    """The requested page of query; 404 for a page that does not exist (before the first, past
    the last), as for any other address that shows nothing. Page 1 of an empty list exists."""
    number = request.args.get("page", 1, type=int)
    if number > MAX_PAGE:
        abort(404)
    return db.paginate(query, page=number, per_page=per_page, error_out=True)
