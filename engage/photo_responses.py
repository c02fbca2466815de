"""Serving a stored photo: always the content type we recorded, never one guessed from the
bytes or a name, with nosniff and a policy that lets nothing in the file run."""

from flask import Response, abort, current_app, request

from engage.storage import StorageKeyError, get_storage


def send_stored(key: str, content_type: str, download_name: str, *, private: bool) -> Response:
    """The stored file under key, inline, with fixed headers."""
    try:
        # Read whole: display copies and thumbnails are small, and no file handle outlives
        # the request.
        with get_storage().open(key) as stream:
            data = stream.read()
    except (FileNotFoundError, StorageKeyError):
        current_app.logger.warning("stored photo %s is missing", key)
        abort(404)
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{download_name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    response.set_etag(key)
    return response.make_conditional(request)
