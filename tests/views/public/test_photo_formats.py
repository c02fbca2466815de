"""Photos in the formats residents' phones, cameras, scanners and editors save, entered through
the form and seen as the gallery shows them: what was sent is what is shown."""

import io

import pytest
from PIL import Image

from engage.extensions import db
from engage.models import ModerationStatus, PhotoEntry
from tests import photo_files as pf
from tests.conftest import hidden_fields
from tests.views.public.test_photos import FIELDS

pytestmark = pytest.mark.usefixtures("no_photo_files")


def enter_and_publish(client, data: bytes, filename: str) -> Image.Image:
    """Enter the photo, have it approved, and return the display copy the gallery serves."""
    page = client.get("/competitions/pics/enter")
    form = {**hidden_fields(page.text), **FIELDS, "photo": (io.BytesIO(data), filename)}
    sent = client.post("/competitions/pics/enter", data=form, content_type="multipart/form-data")
    assert sent.status_code == 303, sent.text
    entry = db.session.query(PhotoEntry).one()
    entry.status = ModerationStatus.APPROVED
    db.session.commit()
    shown = client.get(f"/competitions/pics/photos/{entry.id}/display.jpg")
    assert shown.status_code == 200
    return Image.open(io.BytesIO(shown.data))


def grey_ramp_16_bit() -> bytes:
    """A 16-bit greyscale PNG (as scanners and photo editors save black-and-white photos):
    black on the left to white on the right."""
    image = Image.new("I;16", (256, 8))
    for x in range(256):
        for y in range(8):
            image.putpixel((x, y), x * 257)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_16_bit_black_and_white_photo_is_shown_in_its_greys_not_white(client, competition):
    shown = enter_and_publish(client, grey_ramp_16_bit(), "scan.png").convert("L")
    greys = [shown.getpixel((x, 4)) for x in (0, 64, 128, 192, 255)]
    for got, wanted in zip(greys, (0, 64, 128, 192, 255), strict=True):
        assert abs(got - wanted) <= 4, greys


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_saved_with_a_colour_profile_is_shown_in_its_colours(client, competition, fmt):
    """Most phone photos carry a colour profile (iPhones save Display P3): the colours are
    the profile's, and dropping it without converting them changes how the photo looks."""
    out = io.BytesIO()
    red_numbers = Image.new("RGB", (320, 240), (220, 20, 20))
    red_numbers.save(out, fmt, icc_profile=pf.swapped_colour_profile())
    red, green, blue = enter_and_publish(client, out.getvalue(), "phone.img").getpixel((160, 120))
    assert blue > 180 and red < 60 and green < 60, (red, green, blue)
