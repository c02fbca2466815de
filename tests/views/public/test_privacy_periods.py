"""The privacy notice says how long each thing is kept in words a resident reads as meant:
"1 month", never "1 months", and "until the competition's voting closes", never "0 months
after" it (the default for full-size photos)."""

import html


def test_the_default_periods_read_as_sentences(client, app):
    page = html.unescape(client.get("/privacy").text)
    assert "Full-size photos: until the competition's voting closes (" in page
    assert "0 months" not in page
    assert "6 months after the consultation closes" in page


def test_periods_of_one_are_singular(client, app):
    app.config.update(
        RETENTION_CONTACT_MONTHS=1,
        RETENTION_PHOTO_ORIGINAL_MONTHS=1,
        RETENTION_ENTRANT_CONTACT_MONTHS=1,
        RETENTION_CLIENT_ADDRESS_DAYS=1,
        RETENTION_RIGHTS_LINK_DAYS=1,
    )
    page = html.unescape(client.get("/privacy").text)
    assert "wishes or comments: 1 month after the consultation closes." in page
    assert "Full-size photos: 1 month after the competition's voting closes" in page
    assert "email addresses: 1 month after the competition's voting closes." in page
    assert "Internet addresses: 1 day." in page
    assert "Requests for your data: 1 day after the link was used or expired." in page
    assert "1 months" not in page and "1 days" not in page
