"""The email with a resident's data link, as the file backend writes it for the mail system:
an address with accented letters (which the forms accept) is written as it is, for a mail
system that speaks SMTPUTF8, never as MIME encoded-words, which no mail system can deliver to."""

import email
import email.policy
import re

import pytest

from engage.extensions import db
from engage.models import RespondentDetails
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish


def _ask_by_page(client, reference, address):
    page = client.get("/your-data")
    return client.post(
        "/your-data", data={**hidden_fields(page.text), "reference": reference, "email": address}
    )


@pytest.mark.parametrize("address", ["josé@example.org", "sam@exämple.org"])
def test_a_link_to_an_accented_address_is_written_deliverable(client, app, tmp_path, address):
    app.config.update(MAIL_BACKEND="file", MAIL_FOLDER=str(tmp_path))
    wish = make_wish(make_consultation(slug="derby"), text="A bench by the canal")
    wish.submission.details = RespondentDetails(email=address)
    db.session.commit()
    assert _ask_by_page(client, wish.submission.reference, address).status_code == 303
    (written,) = tmp_path.glob("*.eml")
    raw = written.read_bytes()
    assert b"=?utf-8?" not in raw
    assert f"To: {address}\n".encode() in raw
    message = email.message_from_string(raw.decode("utf-8"), policy=email.policy.SMTPUTF8)
    assert message["To"].addresses[0].addr_spec == address
    assert re.search(r"http://localhost/your-data/\S+", message.get_content())


def test_a_link_to_a_plain_address_is_written_as_before(client, app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FOLDER=str(tmp_path))
    wish = make_wish(make_consultation(slug="derby"), text="A bench by the canal")
    wish.submission.details = RespondentDetails(email="sam@example.com")
    db.session.commit()
    _ask_by_page(client, wish.submission.reference, "sam@example.com")
    (written,) = tmp_path.glob("*.eml")
    raw = written.read_bytes()
    assert raw.isascii() and b"To: sam@example.com\n" in raw
