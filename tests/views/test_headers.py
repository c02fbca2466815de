"""Every response carries the security headers, error pages included."""

import re

import pytest

from tests.factories import make_consultation


@pytest.mark.parametrize(
    "path", ["/", "/consultations/x", "/consultations/nope/wall", "/static/js/init.js"]
)
def test_security_headers(client, app, path):
    make_consultation(slug="x")
    response = client.get(path)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp and re.search(r"'nonce-[\w-]{16,}'", csp)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_inline_script_carries_the_nonce(client, app):
    response = client.get("/")
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.text
    assert nonce not in client.get("/").text  # a fresh nonce per response


def test_no_cdn_every_asset_is_local(client, app):
    make_consultation(slug="x")
    html = client.get("/consultations/x").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
