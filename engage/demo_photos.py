"""The demo photo competition, "Picture your wish for Derby": open for entries and votes, with a
few approved entries whose pictures are drawn with Pillow at seed time (nothing downloaded), put
through the same pipeline as uploads."""

import io
from datetime import timedelta

from PIL import Image, ImageDraw

from engage.extensions import db
from engage.models import Competition, Consultation, Criterion, ModerationStatus
from engage.models._types import utcnow
from engage.services.images import process_photo
from engage.services.photos import EntryDetails, store_photo, submit_entry
from engage.storage import Storage

SLUG = "picture-your-wish-derby"

RULES = (
    "One photo per person, taken by you in Derby. Everyone who can be recognised in it must "
    "agree to be in it; for children under 16, ask a parent or guardian.\n\n"
    "You keep the copyright. By entering you give Derby City Partnership a free licence to show "
    "your photo, with your name, in the gallery, at events and in the community strategy."
)

ENTRIES = [
    ("Trees for the ring road", "More trees along the main roads", "trees", "Sam Taylor",
     "A row of young green trees along a grey road under a blue sky"),
    ("The last bus home", "Buses that run later in the evening", "bus", "Priya Shah",
     "A red bus on an empty road at dusk, its windows lit yellow"),
    ("Lights on the river path", "The river path kept clear and lit", "lamps", "Tom Evans",
     "Street lamps glowing along a dark path beside a river"),
    ("Somewhere to play", "A better play area in the local park", "park", "Ana Costa",
     "A green park with a bright yellow slide and a red swing frame"),
]  # fmt: skip


def _sky(draw: ImageDraw.ImageDraw, size, top, bottom) -> None:
    width, height = size
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)


def picture(kind: str, size=(1200, 800)) -> bytes:
    """A simple drawn scene for a demo entry, as a JPEG."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    width, height = size
    night = kind in ("bus", "lamps")
    _sky(
        draw,
        size,
        (20, 30, 70) if night else (90, 160, 230),
        (60, 60, 90) if night else (200, 230, 250),
    )
    draw.rectangle(
        [0, height * 0.65, width, height], fill=(40, 90, 40) if kind != "bus" else (70, 70, 70)
    )
    if kind == "trees":
        draw.rectangle([0, height * 0.75, width, height * 0.85], fill=(110, 110, 110))
        for x in range(80, width, 180):
            draw.rectangle([x - 8, height * 0.5, x + 8, height * 0.75], fill=(90, 60, 30))
            draw.ellipse([x - 70, height * 0.25, x + 70, height * 0.55], fill=(40, 140, 50))
    elif kind == "bus":
        draw.rectangle([250, 330, 950, 560], fill=(190, 30, 30))
        for x in range(290, 900, 110):
            draw.rectangle([x, 360, x + 80, 430], fill=(250, 220, 120))
        for x in (360, 840):
            draw.ellipse([x - 45, 520, x + 45, 610], fill=(20, 20, 20))
    elif kind == "lamps":
        draw.rectangle([0, height * 0.8, width, height], fill=(30, 60, 110))
        for x in range(150, width, 300):
            draw.rectangle([x - 6, 300, x + 6, 560], fill=(50, 50, 50))
            draw.ellipse([x - 30, 270, x + 30, 330], fill=(255, 230, 140))
    else:
        draw.polygon([(400, 560), (520, 330), (560, 330), (460, 560)], fill=(240, 200, 30))
        draw.rectangle([700, 330, 1000, 345], fill=(200, 40, 40))
        for x in (700, 985):
            draw.rectangle([x, 330, x + 15, 560], fill=(200, 40, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def seed_demo_competition(consultation: Consultation, storage: Storage) -> Competition:
    """Create the demo competition (once) with criteria and approved, drawn entries."""
    now = utcnow()
    competition = Competition(
        consultation=consultation,
        slug=SLUG,
        title="Picture your wish for Derby",
        summary="Turn your wishes into photographs. Take a photo that shows one of your wishes "
        "for Derby, and enter it here. Everyone can vote for their favourite, and a panel of "
        "judges chooses the winners.",
        rules=RULES,
        entries_open_at=now - timedelta(days=14),
        entries_close_at=now + timedelta(days=45),
        voting_open_at=now - timedelta(days=14),
        voting_close_at=now + timedelta(days=60),
    )
    db.session.add(competition)
    for position, name in enumerate(("Relevance to the wish", "Impact", "Quality"), start=1):
        db.session.add(Criterion(competition=competition, name=name, position=position))
    db.session.flush()
    for title, wish, kind, name, alt in ENTRIES:
        stored = store_photo(storage, process_photo(picture(kind)))
        details = EntryDetails(
            title=title, wish=wish, description="", alt_text=alt, entrant_name=name,
            email="demo@example.org", took_photo=True, people_consented=True,
            accepted_rules=True,
        )  # fmt: skip
        entry = submit_entry(competition, details, stored).entry
        entry.status = ModerationStatus.APPROVED
    db.session.flush()
    return competition
