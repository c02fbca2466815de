"""Consultations and areas: look-ups, creation and the area CSV import."""

import csv
import io
from collections.abc import Iterable

from sqlalchemy import select

from engage.errors import ImportError_
from engage.extensions import db
from engage.models import Area, AreaPostcodeDistrict, Consultation
from engage.numbers import parse_id
from engage.services.postcodes import normalise_district

AREA_COLUMNS = ("code", "name", "postcode_districts")


def get_consultation(slug: str) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def get_consultation_by_id(consultation_id) -> Consultation | None:
    """The consultation with this id; None for an unknown or malformed id (one beyond the id
    column's range, which the database driver would raise on, among them)."""
    number = parse_id(str(consultation_id).strip())
    return None if number is None else db.session.get(Consultation, number)


def list_consultations() -> list[Consultation]:
    return list(db.session.scalars(select(Consultation).order_by(Consultation.opens_at.desc())))


def get_area_by_code(code: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.code == code))


def upsert_area(code: str, name: str, districts: Iterable[str]) -> Area:
    """Create or update an area and the postcode districts it covers."""
    area = get_area_by_code(code) or Area(code=code, name=name)
    area.name = name
    db.session.add(area)
    wanted = sorted(set(districts))
    taken = db.session.scalars(
        select(AreaPostcodeDistrict).where(AreaPostcodeDistrict.district.in_(wanted))
    )
    existing = {d.district: d for d in taken}
    area.districts = [existing.get(d) or AreaPostcodeDistrict(district=d) for d in wanted]
    db.session.flush()
    return area


def parse_areas_csv(text: str) -> list[tuple[str, str, list[str]]]:
    """Read `code,name,postcode_districts` rows (districts separated by spaces or semicolons)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in AREA_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportError_(
            f"The file needs the columns {', '.join(AREA_COLUMNS)}; missing: {', '.join(missing)}."
        )
    rows, errors = [], []
    for number, row in enumerate(reader, start=2):
        code, name = (row["code"] or "").strip(), (row["name"] or "").strip()
        raw = (row["postcode_districts"] or "").replace(";", " ").split()
        districts = [normalise_district(d) for d in raw]
        if not code or not name:
            errors.append(f"row {number}: code and name are required")
        elif None in districts:
            errors.append(f"row {number}: a postcode district is not valid")
        else:
            rows.append((code, name, districts))
    if errors:
        raise ImportError_("; ".join(errors))
    return rows


def import_areas(text: str, consultation: Consultation | None = None) -> list[Area]:
    """Import areas from CSV text; attach them to the consultation if one is given."""
    areas = [upsert_area(code, name, districts) for code, name, districts in parse_areas_csv(text)]
    if consultation is not None:
        consultation.areas = sorted(set(consultation.areas) | set(areas), key=lambda a: a.name)
    return areas
