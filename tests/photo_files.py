"""Photo files for tests, made with Pillow or by hand: metadata-laden photos, bombs, polyglots
and damaged files. Nothing is downloaded."""

import io
import struct
import zlib

from PIL import Image, ImageCms

SECRET_NAME = b"Jo Bloggs"
SECRET_PHONE = b"07700 900123"
XMP_MARKER = b"engage-test-xmp-marker"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="' + XMP_MARKER + b'"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
GPS = {1: "N", 2: (52.0, 55.0, 12.34), 3: "W", 4: (1.0, 28.0, 45.6)}


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif_bytes(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = SECRET_NAME.decode()  # Artist
    exif[0x010F] = "EngageTestCamera"  # Make
    exif[0x8825] = GPS
    return exif.tobytes()


def two_tone(size=(400, 200), left=(220, 20, 20), right=(20, 20, 220), mode="RGB"):
    """Left half one colour, right half another: orientation is easy to check."""
    image = Image.new(mode, size, right)
    image.paste(Image.new(mode, (size[0] // 2, size[1]), left), (0, 0))
    return image


def iptc_segment() -> bytes:
    """An APP13 Photoshop/IPTC segment naming the photographer (Pillow cannot write one)."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(SECRET_NAME)) + SECRET_NAME  # 2:80 By-line
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_metadata(orientation: int = 6, size=(400, 200), trailer: bytes = b"") -> bytes:
    """A JPEG with EXIF (GPS, artist, orientation), XMP, ICC, a comment and IPTC."""
    out = io.BytesIO()
    two_tone(size).save(
        out,
        "JPEG",
        quality=95,
        exif=exif_bytes(orientation),
        icc_profile=icc_profile(),
        comment=b"Taken by " + SECRET_NAME + b", call " + SECRET_PHONE,
        xmp=XMP,
    )
    data = out.getvalue()
    return data[:2] + iptc_segment() + data[2:] + trailer


def png_with_metadata() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", SECRET_NAME.decode())
    info.add_text("Comment", "call " + SECRET_PHONE.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    two_tone(mode="RGBA").save(
        out, "PNG", pnginfo=info, exif=exif_bytes(6), icc_profile=icc_profile()
    )
    return out.getvalue()


def webp_with_metadata() -> bytes:
    out = io.BytesIO()
    two_tone().save(
        out, "WEBP", exif=exif_bytes(6), icc_profile=icc_profile(), xmp=XMP.decode(), quality=90
    )
    return out.getvalue()


def jpeg(size=(800, 600), colour=(30, 120, 60), quality=90) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(size=(80, 60), colour=(30, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 20_000) -> bytes:
    """A side × side greyscale PNG of zeros, compressed to a few hundred KB (8-bit pixels)."""
    row = b"\x00" * (side + 1)  # filter byte + pixels
    # A fully flushed deflate block does not refer back, so one block of 100 rows can be
    # repeated: the file is made in milliseconds instead of compressing 400 MB.
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = raw.compress(row * 100) + raw.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(side // 100):
        checksum = zlib.adler32(row * 100, checksum)
    idat = b"\x78\xda" + block * (side // 100) + b"\x03\x00" + struct.pack(">I", checksum)
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bomb(side: int = 20_000) -> bytes:
    """A small JPEG whose frame header claims side × side pixels."""
    data = bytearray(jpeg((64, 64)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def webp_bomb() -> bytes:
    """A small lossy WebP whose header claims 16383 × 16383 pixels (268 megapixels)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(out, "WEBP", quality=50)
    data = bytearray(out.getvalue())
    assert data[12:16] == b"VP8 "
    data[26:30] = struct.pack("<HH", 16383, 16383)
    return bytes(data)


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of every JPEG segment before the image data."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, pos
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        pos += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    kinds, pos = [], 12
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        kinds.append(kind)
        pos += 8 + length + (length & 1)
    return kinds


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)


def swapped_colour_profile() -> bytes:
    """An RGB colour profile (ICC v2, made by hand) whose red and blue primaries are sRGB's
    swapped: a file saying (220, 20, 20) under it means a blue. Phones and cameras save photos
    with profiles (Display P3, Adobe RGB) whose colours differ from sRGB more subtly."""
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    gamma = b"curv" + bytes(4) + struct.pack(">IH", 1, round(2.2 * 256)) + bytes(2)
    description = b"desc" + bytes(4) + struct.pack(">I", 8) + b"swapped\0" + bytes(79)
    tags = [
        (b"desc", description),
        (b"wtpt", _xyz_tag(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz_tag(*blue)),
        (b"gXYZ", _xyz_tag(*green)),
        (b"bXYZ", _xyz_tag(*red)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (
        struct.pack(">I", offset + len(body))
        + bytes(4)
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + _xyz_tag(0.9642, 1.0, 0.8249)[8:]
        + bytes(48)
    )
    return header + struct.pack(">I", len(tags)) + table + body
