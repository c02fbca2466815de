"""The photo competition for residents: entering once and only once, the gallery and the
people's vote. Officers' decisions on entries are in engage.services.photo_moderation."""

import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from engage.errors import EngageError, NotAccepting
from engage.extensions import db
from engage.models import (
    Competition,
    Flag,
    HeldPhoto,
    ModerationStatus,
    PhotoEntry,
    Vote,
)
from engage.models._types import utcnow
from engage.models.photo import PhotoCopies
from engage.services.images import ProcessedPhoto
from engage.services.references import new_reference
from engage.storage import Storage

_log = logging.getLogger(__name__)


class EntryError(EngageError):
    title = "This entry could not be accepted"


class VotingClosed(NotAccepting):
    title = "Voting is not open"


@dataclass(frozen=True)
class EntryDetails:
    """What the entrant typed and ticked, already cleaned and validated by the form."""

    title: str
    wish: str
    description: str
    alt_text: str
    entrant_name: str
    email: str
    took_photo: bool
    people_consented: bool
    accepted_rules: bool


@dataclass(frozen=True)
class StoredPhoto:
    """The storage keys of a processed photo's three copies, with their sizes: the columns of
    :class:`~engage.models.photo.PhotoCopies`."""

    master_key: str
    master_type: str
    display_key: str
    thumb_key: str
    width: int
    height: int
    display_width: int
    display_height: int
    thumb_width: int
    thumb_height: int

    @property
    def keys(self) -> list[str]:
        return [self.master_key, self.display_key, self.thumb_key]

    @classmethod
    def of(cls, copies: PhotoCopies) -> "StoredPhoto":
        """The copies a held photo (or an entry) already has."""
        return cls(**{name: getattr(copies, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ReceivedEntry:
    entry: PhotoEntry
    created: bool


def get_competition(slug: str) -> Competition | None:
    return db.session.scalar(select(Competition).where(Competition.slug == slug))


def get_competition_by_id(competition_id) -> Competition | None:
    try:
        return db.session.get(Competition, int(competition_id))
    except (TypeError, ValueError):
        return None


def list_competitions(consultation_id: int | None = None) -> list[Competition]:
    query = select(Competition).order_by(Competition.entries_open_at.desc(), Competition.id)
    if consultation_id is not None:
        query = query.where(Competition.consultation_id == consultation_id)
    return list(db.session.scalars(query))


def list_public_competitions(consultation, now: datetime | None = None) -> list[Competition]:
    """A consultation's competitions that residents can take part in now (entering or voting)
    or whose results are published."""
    now = now or utcnow()
    return [
        c
        for c in list_competitions(consultation.id)
        if c.entries_open(now) or c.voting_open(now) or c.results_published
    ]


def get_entry_by_token(token: str) -> PhotoEntry | None:
    return db.session.scalar(select(PhotoEntry).where(PhotoEntry.form_token == token))


def store_photo(storage: Storage, photo: ProcessedPhoto) -> StoredPhoto:
    """Save the three copies under new keys; if one fails, none is left behind."""
    saved: list[str] = []
    try:
        for rendition in (photo.master, photo.display, photo.thumbnail):
            saved.append(storage.save(rendition.data, rendition.suffix))
    except BaseException:
        discard_keys(storage, saved)
        raise
    master, display, thumb = saved
    return StoredPhoto(
        master_key=master,
        master_type=photo.master.content_type,
        display_key=display,
        thumb_key=thumb,
        width=photo.master.width,
        height=photo.master.height,
        display_width=photo.display.width,
        display_height=photo.display.height,
        thumb_width=photo.thumbnail.width,
        thumb_height=photo.thumbnail.height,
    )


def hold_photo(competition: Competition, stored: StoredPhoto, file_name: str) -> HeldPhoto:
    """Keep a processed photo while its entry form is corrected (the caller commits)."""
    held = HeldPhoto(
        competition_id=competition.id, file_name=clean_file_name(file_name), **asdict(stored)
    )
    db.session.add(held)
    db.session.flush()
    return held


def clean_file_name(name: str | None) -> str:
    """The last part of a client's file name, printable and at most 255 characters: it is only
    ever shown back to the entrant, escaped."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255].strip()


def release_held(held: HeldPhoto | None) -> list[str]:
    """Forget a held photo (in the caller's transaction); return its copies' keys, for the
    caller to delete after committing unless an entry now uses them."""
    if held is None:
        return []
    keys = StoredPhoto.of(held).keys
    db.session.delete(held)
    return keys


def get_held_photo(competition: Competition, held_id) -> HeldPhoto | None:
    held = db.session.get(HeldPhoto, held_id) if isinstance(held_id, int) else None
    return held if held is not None and held.competition_id == competition.id else None


def discard_keys(storage: Storage, keys: list[str]) -> None:
    """Delete what was saved; best effort when the store itself is failing."""
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # the store's own error, raised by the caller, is the one to report
            _log.warning("could not delete the stored photo %s after a failed entry", key)


def submit_entry(
    competition: Competition,
    details: EntryDetails,
    stored: StoredPhoto,
    *,
    form_token: str | None = None,
    now: datetime | None = None,
) -> ReceivedEntry:
    """Store an entry, pending moderation. A form token already used returns its entry (the
    caller then discards the copies it stored for this attempt)."""
    now = now or utcnow()
    if form_token and (existing := get_entry_by_token(form_token)):
        return ReceivedEntry(existing, created=False)
    if not competition.entries_open(now):
        raise NotAccepting("This competition is not taking entries now.")
    _check_details(details)
    entry = PhotoEntry(
        competition=competition,
        form_token=form_token,
        created_at=now,
        **asdict(stored),
        **vars(details),
    )
    saved = _insert_with_reference(entry, form_token)
    if saved is not entry:
        return ReceivedEntry(saved, created=False)
    _flag_entry(entry)
    return ReceivedEntry(entry, created=True)


def _check_details(details: EntryDetails) -> None:
    if not details.alt_text.strip():
        raise EntryError("Describe what the photo shows, for people who cannot see it")
    if not (details.took_photo and details.people_consented and details.accepted_rules):
        raise EntryError("Every consent must be given before a photo can be entered")


def _insert_with_reference(entry: PhotoEntry, form_token: str | None) -> PhotoEntry:
    """Insert under a fresh reference; a lost race on the form token yields the winner's row."""
    for _attempt in range(5):
        entry.reference = new_reference("P")
        savepoint = db.session.begin_nested()
        db.session.add(entry)
        try:
            savepoint.commit()
            return entry
        except IntegrityError:
            savepoint.rollback()
            if form_token and (existing := get_entry_by_token(form_token)):
                return existing
    raise RuntimeError("could not allocate a unique reference")


def _flag_entry(entry: PhotoEntry) -> None:
    """Run the text detectors over what the public would read with the photo."""
    from engage.services.flags import detect_flags

    text = "\n".join(p for p in (entry.title, entry.wish, entry.description, entry.alt_text) if p)
    db.session.add_all(
        Flag(entry_type="photo", entry_id=entry.id, kind=found.kind, detail=found.detail[:500])
        for found in detect_flags(text)
    )
    db.session.flush()


# The gallery and the people's vote


def gallery_query(competition: Competition) -> Select:
    """Approved entries, in the order they arrived."""
    return (
        select(PhotoEntry)
        .where(
            PhotoEntry.competition_id == competition.id,
            PhotoEntry.status == ModerationStatus.APPROVED,
        )
        .order_by(PhotoEntry.created_at, PhotoEntry.id)
    )


def get_public_entry(competition: Competition, entry_id: int) -> PhotoEntry | None:
    """An approved entry of this competition, or None."""
    entry = db.session.get(PhotoEntry, entry_id)
    if entry is None or entry.competition_id != competition.id:
        return None
    return entry if entry.status == ModerationStatus.APPROVED else None


def get_vote(competition: Competition, voter_key: str | None) -> Vote | None:
    """This voter's vote in the competition, unless the photo it was for has been taken down
    since: that vote no longer counts, and the voter may vote again."""
    vote = _vote_row(competition, voter_key)
    return vote if vote is not None and vote.entry.status == ModerationStatus.APPROVED else None


def _vote_row(competition: Competition, voter_key: str | None) -> Vote | None:
    if not voter_key:
        return None
    return db.session.scalar(
        select(Vote).where(Vote.competition_id == competition.id, Vote.voter_key == voter_key)
    )


def cast_vote(
    competition: Competition, entry: PhotoEntry, voter_key: str, now: datetime | None = None
) -> bool:
    """Record this voter's one vote in the competition; False if they had already voted."""
    now = now or utcnow()
    if not competition.voting_open(now):
        raise VotingClosed("Voting is not open for this competition.")
    if entry.competition_id != competition.id or entry.status != ModerationStatus.APPROVED:
        raise EntryError("You can vote only for a photo in the gallery.")
    if (earlier := _vote_row(competition, voter_key)) is not None:
        if earlier.entry.status == ModerationStatus.APPROVED:
            return False
        # The photo voted for was taken down: this vote takes the place of that one.
        earlier.entry, earlier.created_at = entry, now
        db.session.flush()
        return True
    savepoint = db.session.begin_nested()
    db.session.add(
        Vote(competition_id=competition.id, entry=entry, voter_key=voter_key, created_at=now)
    )
    try:
        savepoint.commit()
    except IntegrityError:  # the same voter, twice at once: the first vote stands
        savepoint.rollback()
        return False
    return True


def count_votes(competition: Competition) -> dict[int, int]:
    """Votes per entry id (approved entries only)."""
    rows = db.session.execute(
        select(Vote.entry_id, func.count(Vote.id))
        .join(Vote.entry)
        .where(
            Vote.competition_id == competition.id,
            PhotoEntry.status == ModerationStatus.APPROVED,
        )
        .group_by(Vote.entry_id)
    )
    return {entry_id: n for entry_id, n in rows}
