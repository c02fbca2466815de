"""Uploaded photos made safe with Pillow: type decided by content, a decompression-bomb guard
before any decoding, damaged files refused, orientation applied, and every stored copy
re-encoded from pixels alone (their colours converted to sRGB), so no EXIF (GPS), XMP, IPTC,
ICC profile or comment survives.

Only the JPEG, PNG and WebP decoders are ever asked to open a file.
"""

import io
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFile, ImageOps

from engage.errors import EngageError

MAX_BYTES = 10 * 1024 * 1024
# About 50 megapixels: more than any phone or consumer camera makes, and a bounded decode
# (50 MP of RGBA is 200 MB). Pillow itself would only warn up to about 179 MP.
MAX_PIXELS = 50_000_000
DISPLAY_SIDE = 1600
THUMB_SIDE = 600
FORMATS = ("JPEG", "PNG", "WEBP")

# A backstop for every Pillow call in the process: warn above our limit, fail above twice it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

TOO_LARGE = (
    "The image is too large to use: photos can be up to 50 megapixels (for example "
    "8,000 × 6,000 pixels). Make it smaller and try again."
)
NOT_AN_IMAGE = "The file must be a photo in JPEG, PNG or WebP format"
DAMAGED = "The photo could not be read: the file is damaged or incomplete. Try saving it again"
# Pillow's ways of saying a file is not what its header claims.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)


class ImageRefused(EngageError):
    """An upload that is not a usable photo; the message says why, for the entry form."""

    status = 400
    title = "This photo could not be used"


@dataclass(frozen=True)
class Rendition:
    """One stored copy: its bytes, its fixed content type and its size in pixels."""

    data: bytes
    content_type: str
    suffix: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedPhoto:
    master: Rendition  # full size, the source's format; never served publicly
    display: Rendition  # at most 1600 px, JPEG
    thumbnail: Rendition  # at most 600 px, JPEG


def read_upload(stream, max_bytes: int = MAX_BYTES) -> bytes:
    """Read at most max_bytes + 1 from an upload and refuse what is empty or too big."""
    data = stream.read(max_bytes + 1)
    if not data:
        raise ImageRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise ImageRefused(f"The photo must be smaller than {max_bytes // (1024 * 1024)} MB")
    return data


# Photos phones and cameras save in formats we do not take, and how to get a JPEG instead:
# "must be JPEG" alone does not tell an iPhone user, whose camera saves HEIC, what to do.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1"}
_SAVE_AS_JPEG = "Save it as a JPEG (or PNG) and choose that file instead."
HEIC = (
    "This photo is in HEIC format, which iPhones and some other phones use, and we can only "
    "take JPEG, PNG or WebP. Save a copy as a JPEG and choose that file instead. On an iPhone, "
    "setting Settings, Camera, Formats to “Most Compatible” saves new photos as JPEG."
)


def _other_format(data: bytes) -> str | None:
    """A message naming a common image format we do not take, and how to convert it."""
    if data[4:8] == b"ftyp":
        # The major brand, then the compatible ones: an AVIF may say "mif1" first.
        size = int.from_bytes(data[:4], "big")
        brands = [data[8:12]] + [data[i : i + 4] for i in range(16, min(size, 64), 4)]
        if b"avif" in brands or b"avis" in brands:
            return (
                f"This photo is in AVIF format: we can only take JPEG, PNG or WebP. {_SAVE_AS_JPEG}"
            )
        if _HEIF_BRANDS.intersection(brands):
            return HEIC
    for magic, name in (
        (b"GIF8", "GIF"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
    ):
        if data.startswith(magic):
            return f"This is a {name} file: we can only take JPEG, PNG or WebP. {_SAVE_AS_JPEG}"
    return None


def sniff_format(data: bytes) -> str:
    """The format the file's first bytes declare (JPEG, PNG or WEBP), whatever its name."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 16 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    raise ImageRefused(_other_format(data) or NOT_AN_IMAGE)


def _webp_size(data: bytes) -> tuple[int, int]:
    """Canvas size from a WebP header. libwebp allocates the whole canvas as the file is opened,
    so the size is checked before Pillow sees the file."""
    chunk = data[12:16]
    try:
        if chunk == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
        elif chunk == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            width, height = width & 0x3FFF, height & 0x3FFF
        elif chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        else:
            raise ImageRefused(DAMAGED)
    except struct.error as error:
        raise ImageRefused(DAMAGED) from error
    return width, height


def check_size(width: int, height: int) -> None:
    """Refuse an image whose header declares more than MAX_PIXELS, before any decoding."""
    if width < 1 or height < 1:
        raise ImageRefused(DAMAGED)
    if width * height > MAX_PIXELS:
        megapixels = width * height / 1_000_000
        raise ImageRefused(
            f"The image is {width:,} × {height:,} pixels ({megapixels:,.0f} megapixels), "
            "too large to use: photos can be up to 50 megapixels. Make it smaller and try again."
        )


def open_checked(data: bytes) -> Image.Image:
    """Open (not decode) the image with the three allowed decoders and check its size."""
    declared = sniff_format(data)
    if declared == "WEBP":
        check_size(*_webp_size(data))
    with warnings.catch_warnings():
        # Between one and two times the limit Pillow only warns; check_size below refuses,
        # naming the size. Beyond that Pillow refuses as it reads the header.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except Image.DecompressionBombError as error:
            raise ImageRefused(TOO_LARGE) from error
        except _DECODE_ERRORS as error:  # the magic bytes matched, the rest did not
            raise ImageRefused(DAMAGED) from error
    if image.format not in (*FORMATS, "MPO") or _family(image.format) != declared:
        raise ImageRefused(NOT_AN_IMAGE)
    check_size(*image.size)
    return image


def _family(pillow_format: str) -> str:
    return "JPEG" if pillow_format == "MPO" else pillow_format


def decode(image: Image.Image) -> Image.Image:
    """Decode every pixel (refusing truncated or corrupt data) and apply the EXIF orientation."""
    try:
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    except (Image.DecompressionBombError, zlib.error, *_DECODE_ERRORS) as error:
        raise ImageRefused(DAMAGED) from error
    image = _eight_bit(image)
    profile = image.info.get("icc_profile")
    # A palette, grey or truecolour PNG (and a GIF-like palette WebP) may name transparent
    # colours in `info` instead of carrying an alpha channel.
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    try:
        pixels = image if image.mode == target else image.convert(target)
    except ValueError as error:
        raise ImageRefused(DAMAGED) from error
    pixels = _in_srgb(pixels, profile)
    # Nothing of the file but its pixels goes on: Pillow's savers read metadata from `info`.
    pixels.info = {}
    return pixels


_SRGB = ImageCms.createProfile("sRGB")


def _in_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """The pixels in sRGB, as browsers show a file with no colour profile: the copies are stored
    without the file's profile (Display P3 on iPhones, Adobe RGB on cameras), so its colours are
    converted rather than read as if they were sRGB. A profile that cannot be read is ignored."""
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        # In place: a second copy of a 50-megapixel photo would double the memory it takes.
        ImageCms.profileToProfile(image, source, _SRGB, inPlace=True)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        pass
    return image


def _eight_bit(image: Image.Image) -> Image.Image:
    """A 16-bit greyscale PNG (as scanners and editors save black-and-white photos) in 8-bit
    greys. Pillow's own conversion clips every value over 255, which is all but black: the
    photo would be stored white. Its one transparent grey, if any, is not kept."""
    if not image.mode.startswith("I"):
        return image
    greys = image.point(lambda value: value / 257).convert("L")
    greys.info.pop("transparency", None)  # a 16-bit value, which would match the wrong greys
    return greys


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=88, optimize=True, progressive=True, exif=b"")
    elif fmt == "PNG":
        image.save(out, "PNG", compress_level=6)
    else:
        image.save(out, "WEBP", quality=90, method=4, exif=b"", xmp="")
    return out.getvalue()


_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


def _rendition(image: Image.Image, fmt: str) -> Rendition:
    content_type, suffix = _TYPES[fmt]
    return Rendition(_encode(image, fmt), content_type, suffix, image.width, image.height)


def _flatten(image: Image.Image) -> Image.Image:
    """The image in RGB for JPEG: transparency over white (the image itself if already RGB)."""
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _resized(image: Image.Image, side: int) -> Image.Image:
    """A new image that fits in side × side, keeping the proportions (never enlarged)."""
    scale = min(1.0, side / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resized = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = {}
    return resized


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check and re-encode an upload into the three copies that are stored."""
    source = open_checked(data)
    fmt = _family(source.format)
    pixels = decode(source)
    master = _rendition(_flatten(pixels) if fmt == "JPEG" else pixels, fmt)
    display = _resized(_flatten(pixels), DISPLAY_SIDE)
    del pixels, source
    thumbnail = _resized(display, THUMB_SIDE)
    return ProcessedPhoto(master, _rendition(display, "JPEG"), _rendition(thumbnail, "JPEG"))
