"""Where a resident is on the wish wall (their search, area and page), carried to 'Report this'
and back, so a report returns them to the wishes they were reading."""

from werkzeug.datastructures import MultiDict

from engage.public.forms import WallSearchForm
from engage.public.paging import page_place


def wall_place(consultation, args: MultiDict) -> dict[str, str | int]:
    """The wall's own query parameters in ``args`` that the wall would accept, and only those:
    the way back to a page of the wall, never to any other address. Anything else, or a value
    the wall would refuse, is left out (the wall's first page, unsearched, in its place)."""
    form = WallSearchForm(args)
    form.validate()
    place: dict[str, str | int] = {}
    if form.q.data and not form.q.errors:
        place["q"] = form.q.data
    if form.area.data in {area.code for area in consultation.areas}:
        place["area"] = form.area.data
    return place | page_place(args)
