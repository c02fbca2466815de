"""Web addresses as people type them from a poster or a leaflet: a consultation's or a
competition's address with capital letters ("/consultations/Derby-Wishes") leads to the page,
rather than to "Page not found" for want of lower case."""

from flask import redirect, request, url_for

from engage.public import bp
from engage.services.consultations import get_consultation
from engage.services.photos import get_competition


@bp.before_request
def _lower_case_address():
    """Send a GET of an address whose slug has capitals, and names nothing as it is, to the
    address in lower case when that names a consultation or competition."""
    slug = (request.view_args or {}).get("slug")
    if request.method not in ("GET", "HEAD") or not slug or slug == slug.lower():
        return None
    find = get_competition if request.path.startswith("/competitions/") else get_consultation
    if find(slug) is not None or find(slug.lower()) is None:
        return None
    address = url_for(request.endpoint, **{**request.view_args, "slug": slug.lower()})
    query = request.query_string.decode("latin-1")
    return redirect(f"{address}?{query}" if query else address, 301)
