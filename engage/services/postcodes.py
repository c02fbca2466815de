"""UK postcodes: validation, normalisation and the area a postcode district maps to."""

import re

from sqlalchemy import select

from engage.extensions import db
from engage.models import Area, AreaPostcodeDistrict

# The shape of a full UK postcode (outward code, space, inward code), including GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_DISTRICT = re.compile(r"^[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)$")


def normalise_postcode(value: str) -> str | None:
    """Return the postcode in its standard form ("DE1 2AB"), or None if it is not one."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_district(value: str) -> str | None:
    """Return an outward code ("DE22") in upper case, or None if it is not one."""
    district = (value or "").strip().upper()
    return district if _DISTRICT.match(district) else None


def find_area(postcode: str) -> Area | None:
    """The area whose postcode districts include this (normalised) postcode's district."""
    district = postcode.split(" ")[0]
    return db.session.scalar(
        select(Area).join(AreaPostcodeDistrict).where(AreaPostcodeDistrict.district == district)
    )
