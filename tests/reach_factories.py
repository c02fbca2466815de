"""Helpers for the reach page's file imports: the platform's age bands written out as ages,
and sending a file to the page as an officer's browser does."""

from tests.conftest import post_multipart


def age_bands(oldest: int) -> dict[str, range]:
    """The platform's bands as ages, written out here rather than read from the code under
    test; the last band runs to `oldest`, the oldest age a file names."""
    return {
        "under_16": range(0, 16),
        "16_24": range(16, 25),
        "25_34": range(25, 35),
        "35_44": range(35, 45),
        "45_54": range(45, 55),
        "55_64": range(55, 65),
        "65_74": range(65, 75),
        "75_plus": range(75, oldest + 1),
    }


def post_reach_file(client, page, kind, data: bytes):
    """Send a file to the reach page's import of `kind`; `page` is its (url, csrf token)."""
    url, token = page
    fields = {"csrf_token": token}
    return post_multipart(client, f"{url}/{kind}", fields, f"{kind}-upload", "download.csv", data)


def imported_page(client, page, kind, data: bytes) -> str:
    """Import a file the page accepts, and the page it goes back to, saying what was read."""
    response = post_reach_file(client, page, kind, data)
    assert response.status_code == 303, response.text
    return client.get(response.location).text
