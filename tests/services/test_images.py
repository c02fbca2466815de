"""The upload pipeline, byte by byte: no metadata survives, orientation is applied, only JPEG,
PNG and WebP are decoded, bombs are refused before decoding, damaged files are refused."""

import io
import subprocess
import sys
import textwrap

import pytest
from PIL import Image

from engage.services.images import (
    MAX_BYTES,
    ImageRefused,
    process_photo,
    read_upload,
)
from tests import photo_files as pf

# Bytes that would betray metadata of any kind in a stored file.
TELLTALES = [
    pf.SECRET_NAME,
    pf.SECRET_PHONE,
    pf.XMP_MARKER,
    b"EngageTestCamera",
    b"Exif",
    b"ICC_PROFILE",
    b"acsp",  # the ICC profile's signature
    b"http://ns.adobe.com/xap/1.0/",
    b"adobe:ns:meta",
    b"Photoshop 3.0",
    b"8BIM",
]
ALLOWED_JPEG = {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}  # JFIF, tables, frame, scan


def renditions(photo):
    return [photo.master, photo.display, photo.thumbnail]


def assert_clean(photo):
    for rendition in renditions(photo):
        data = rendition.data
        for telltale in TELLTALES:
            assert telltale not in data, (rendition.content_type, telltale)
        if rendition.suffix == "jpg":
            assert set(pf.jpeg_segments(data)) <= ALLOWED_JPEG  # no APPn, COM or IPTC
        elif rendition.suffix == "png":
            assert pf.png_chunks(data) == [b"IHDR", b"IDAT", b"IEND"]
        else:
            assert set(pf.webp_chunks(data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
        reopened = Image.open(io.BytesIO(data))
        assert not dict(reopened.getexif())
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(reopened.info)


def test_the_sources_really_carry_the_metadata():
    """The proofs below mean something only if the sources have what they look for."""
    jpeg = pf.jpeg_with_metadata()
    exif = Image.open(io.BytesIO(jpeg)).getexif()
    assert exif.get_ifd(0x8825)[2] == pf.GPS[2]  # latitude
    assert exif[0x0112] == 6
    for telltale in TELLTALES:
        assert telltale in jpeg, telltale
    assert {0xE1, 0xE2, 0xED, 0xFE} <= set(pf.jpeg_segments(jpeg))  # EXIF/XMP, ICC, IPTC, COM
    assert {b"eXIf", b"iCCP", b"tEXt", b"zTXt", b"iTXt"} <= set(
        pf.png_chunks(pf.png_with_metadata())
    )
    assert {b"EXIF", b"ICCP", b"XMP "} <= set(pf.webp_chunks(pf.webp_with_metadata()))


def test_jpeg_loses_gps_comment_xmp_icc_and_iptc():
    photo = process_photo(pf.jpeg_with_metadata())
    assert [r.content_type for r in renditions(photo)] == ["image/jpeg"] * 3
    assert_clean(photo)


def test_png_loses_its_chunks_of_metadata():
    photo = process_photo(pf.png_with_metadata())
    assert photo.master.content_type == "image/png"
    assert_clean(photo)


def test_webp_loses_exif_icc_and_xmp():
    photo = process_photo(pf.webp_with_metadata())
    assert photo.master.content_type == "image/webp"
    assert_clean(photo)


@pytest.mark.parametrize(
    "source", [pf.jpeg_with_metadata, pf.png_with_metadata, pf.webp_with_metadata]
)
def test_orientation_is_applied_before_the_tag_goes(source):
    """Orientation 6 means "turn 90° clockwise to view": the left half ends on top."""
    photo = process_photo(source())
    for rendition in renditions(photo):
        image = Image.open(io.BytesIO(rendition.data)).convert("RGB")
        assert image.height == 2 * image.width
        top = image.getpixel((image.width // 2, image.height // 4))
        bottom = image.getpixel((image.width // 2, 3 * image.height // 4))
        assert top[0] > 150 and top[2] < 100, top  # red, the source's left half
        assert bottom[2] > 150 and bottom[0] < 100, bottom


def test_display_copy_and_thumbnail_sizes():
    photo = process_photo(pf.jpeg(size=(4000, 3000)))
    assert (photo.master.width, photo.master.height) == (4000, 3000)
    assert (photo.display.width, photo.display.height) == (1600, 1200)
    assert (photo.thumbnail.width, photo.thumbnail.height) == (600, 450)
    small = process_photo(pf.png(size=(80, 60)))
    assert (small.display.width, small.thumbnail.width) == (80, 80)  # never enlarged


def test_transparent_png_is_flattened_for_the_jpeg_copies():
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(out, "PNG")
    photo = process_photo(out.getvalue())
    assert Image.open(io.BytesIO(photo.master.data)).mode == "RGBA"
    display = Image.open(io.BytesIO(photo.display.data))
    assert display.mode == "RGB" and display.getpixel((20, 20)) == (255, 255, 255)


@pytest.mark.parametrize(("mode", "key"), [("RGB", (0, 0, 0)), ("L", 0)])
def test_a_png_with_one_transparent_colour_keeps_it_transparent(mode, key):
    """A truecolour or grey PNG may name one colour as transparent (its tRNS chunk): that
    colour is see-through in every browser, so it is white in the JPEG copies, not black."""
    image = Image.new(mode, (40, 40), key)
    image.paste(200 if mode == "L" else (200, 30, 30), (0, 0, 20, 40))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=key)
    photo = process_photo(out.getvalue())
    master = Image.open(io.BytesIO(photo.master.data))
    assert master.mode == "RGBA" and master.getpixel((30, 20))[3] == 0
    display = Image.open(io.BytesIO(photo.display.data))
    assert min(display.getpixel((30, 20))) >= 250  # white, to within JPEG rounding
    assert display.getpixel((10, 20))[0] > 150  # the opaque half is as it was


@pytest.mark.parametrize(
    ("name", "make"),
    [("png", pf.png_bomb), ("jpeg", pf.jpeg_bomb), ("webp", pf.webp_bomb)],
)
def test_bombs_are_refused_from_the_header(name, make):
    data = make()
    assert len(data) < 500_000
    with pytest.raises(ImageRefused, match="too large to use: photos can be up to 50 megapixels"):
        process_photo(data)


def test_just_over_the_limit_says_the_size():
    # 7072 × 7072 is 50.01 MP: Pillow would only warn; we refuse, naming the size.
    with pytest.raises(ImageRefused, match="7,072 × 7,072 pixels"):
        process_photo(pf.jpeg_bomb(7072))


def test_refusing_a_bomb_keeps_memory_bounded():
    """In a fresh process, refusing a 20000 × 20000 PNG (1.2 GB if decoded as RGB) adds
    less than 20 MB to the peak resident size."""
    script = textwrap.dedent(
        """
        import resource
        from engage.services.images import ImageRefused, process_photo
        from tests.photo_files import png_bomb
        data = png_bomb()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            process_photo(data)
        except ImageRefused:
            pass
        else:
            raise SystemExit("accepted")
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    grown_kb = int(result.stdout.strip())
    assert grown_kb < 20 * 1024, grown_kb


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "JPEG, PNG or WebP"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "JPEG, PNG or WebP"),
        (b"GIF89a" + b"\x00" * 64, "JPEG, PNG or WebP"),
        (b"%PDF-1.7\n", "JPEG, PNG or WebP"),
        (b"\xff\xd8\xff", "damaged"),
        (pf.jpeg()[:600], "damaged"),
        (pf.png(size=(400, 300))[:200], "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8, "damaged"),
    ],
)
def test_non_images_and_damaged_files_are_refused(data, message):
    with pytest.raises(ImageRefused, match=message):
        process_photo(data)


def test_a_gif_or_tiff_is_not_decoded_even_if_pillow_could():
    for fmt in ("GIF", "TIFF", "BMP"):
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, fmt)
        with pytest.raises(ImageRefused, match="JPEG, PNG or WebP"):
            process_photo(out.getvalue())


def test_a_png_that_calls_itself_a_jpeg_inside_is_refused():
    """Content decides: a PNG body after JPEG magic bytes is not a JPEG."""
    with pytest.raises(ImageRefused):
        process_photo(b"\xff\xd8\xff" + pf.png())


def test_polyglot_trailers_and_markup_do_not_survive():
    html = b"<html><script>alert(document.cookie)</script></html>"
    jpeg_polyglot = pf.jpeg_with_metadata(trailer=html + b"PK\x03\x04zipfile")
    png_polyglot = pf.png() + html
    for source in (jpeg_polyglot, png_polyglot):
        for rendition in renditions(process_photo(source)):
            assert b"<script" not in rendition.data and b"PK\x03\x04" not in rendition.data


def test_read_upload_refuses_empty_and_oversize():
    with pytest.raises(ImageRefused, match="empty"):
        read_upload(io.BytesIO(b""))
    with pytest.raises(ImageRefused, match="smaller than 10 MB"):
        read_upload(io.BytesIO(b"\x00" * (MAX_BYTES + 1)))
    assert read_upload(io.BytesIO(b"abc")) == b"abc"
