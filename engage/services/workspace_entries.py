"""The entries the strategy workspace analyses: a consultation's published wishes, the wishes
behind its published photos, and its published comments on the draft strategy.

Every entry is known by (entry_type, entry_id); its key is "wish:12". The text analysed and
shown is the public text (a moderator's redacted version when there is one).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, case, exists, func, select, union
from sqlalchemy.orm import aliased

from engage.extensions import db
from engage.models import (
    Comment,
    Competition,
    Consultation,
    ModerationDecision,
    ModerationStatus,
    PhotoEntry,
    RespondentDetails,
    Submission,
    ThemeAssignment,
    Wish,
)
from engage.template_helpers import LOCAL_TZ

ENTRY_TYPES = {"wish": "Wish", "photo": "Wish behind a photo", "comment": "Comment on the draft"}


@dataclass(frozen=True)
class EntryRow:
    """One published entry, with what breakdowns group it by."""

    entry_type: str
    entry_id: int
    text: str
    created_at: datetime
    area_id: int | None = None
    channel: str = ""
    age_band: str | None = None

    @property
    def key(self) -> str:
        return f"{self.entry_type}:{self.entry_id}"

    @property
    def week(self) -> date:
        return week_of(self.created_at)


def week_of(moment: datetime) -> date:
    """The Monday (UK time) of the week a moment falls in."""
    day = moment.astimezone(LOCAL_TZ).date()
    return day - timedelta(days=day.weekday())


def split_key(key: str) -> tuple[str, int]:
    entry_type, _, entry_id = key.partition(":")
    return entry_type, int(entry_id)


def _wish_query(consultation_id: int):
    return (
        select(
            Wish.id,
            func.coalesce(Wish.redacted_text, Wish.text),
            Wish.created_at,
            Submission.area_id,
            Submission.channel,
            RespondentDetails.age_band,
        )
        .join(Wish.submission)
        .outerjoin(RespondentDetails, RespondentDetails.submission_id == Submission.id)
        .where(Submission.consultation_id == consultation_id)
        .where(Wish.status == ModerationStatus.APPROVED)
    )


def _comment_query(consultation_id: int):
    return (
        select(
            Comment.id,
            func.coalesce(Comment.redacted_text, Comment.text),
            Comment.created_at,
            Submission.area_id,
            Submission.channel,
            RespondentDetails.age_band,
        )
        .join(Comment.submission)
        .outerjoin(RespondentDetails, RespondentDetails.submission_id == Submission.id)
        .where(Submission.consultation_id == consultation_id)
        .where(Comment.status == ModerationStatus.APPROVED)
    )


def _photo_query(consultation_id: int):
    return (
        select(PhotoEntry.id, PhotoEntry.wish, PhotoEntry.created_at)
        .join(Competition, PhotoEntry.competition_id == Competition.id)
        .where(Competition.consultation_id == consultation_id)
        .where(PhotoEntry.status == ModerationStatus.APPROVED)
    )


_QUERIES = {"wish": _wish_query, "photo": _photo_query, "comment": _comment_query}
_MODELS = {"wish": Wish, "photo": PhotoEntry, "comment": Comment}


def _rows(entry_type: str, query) -> list[EntryRow]:
    out = []
    for row in db.session.execute(query):
        if entry_type == "photo":
            out.append(EntryRow("photo", row[0], row[1], row[2], channel="photo"))
        else:
            out.append(EntryRow(entry_type, row[0], row[1], row[2], row[3], row[4], row[5]))
    return out


def list_published_entries(consultation: Consultation) -> list[EntryRow]:
    """Every published entry of the consultation, oldest first within each kind."""
    out: list[EntryRow] = []
    for entry_type, make in _QUERIES.items():
        model = _MODELS[entry_type]
        out += _rows(entry_type, make(consultation.id).order_by(model.id))
    return out


def _unassigned(entry_type: str, consultation_id: int, run_id: int):
    model = _MODELS[entry_type]
    assigned = exists().where(
        and_(
            ThemeAssignment.run_id == run_id,
            ThemeAssignment.entry_type == entry_type,
            ThemeAssignment.entry_id == model.id,
        )
    )
    return _QUERIES[entry_type](consultation_id).where(~assigned)


def list_unassigned_entries(consultation: Consultation, run_id: int) -> list[EntryRow]:
    """Published entries that a run has not given a theme yet (they arrived after it)."""
    out: list[EntryRow] = []
    for entry_type in _QUERIES:
        out += _rows(entry_type, _unassigned(entry_type, consultation.id, run_id))
    return out


def _decided_since(entry_type: str, since: datetime, actions: tuple[str, ...]):
    return select(ModerationDecision.entry_id).where(
        ModerationDecision.entry_type == entry_type,
        ModerationDecision.created_at >= since,
        ModerationDecision.action.in_(actions),
    )


def count_changed_since(consultation: Consultation, run_id: int, since: datetime) -> int:
    """Entries published since `since` that the run has no theme for, plus entries of the run
    rejected since. Only entries that arrived or were decided after `since` are looked at, so
    this stays quick on a large run (the job that follows checks every entry)."""
    total = 0
    for entry_type, model in _MODELS.items():
        candidates = union(
            select(model.id).where(model.created_at >= since),
            _decided_since(entry_type, since, ("approve", "approve_redacted")),
        )
        query = _unassigned(entry_type, consultation.id, run_id).where(model.id.in_(candidates))
        total += db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rejected = select(func.count(ThemeAssignment.id)).where(
            ThemeAssignment.run_id == run_id,
            ThemeAssignment.entry_type == entry_type,
            ThemeAssignment.entry_id.in_(_decided_since(entry_type, since, ("reject",))),
            ~exists().where(
                and_(
                    model.id == ThemeAssignment.entry_id, model.status == ModerationStatus.APPROVED
                )
            ),
        )
        total += db.session.scalar(rejected) or 0
    return total


def withdrawn_assignments(run_id: int) -> list[int]:
    """Assignments of a run whose entry is no longer published (rejected after the run)."""
    ids: list[int] = []
    for entry_type, model in _MODELS.items():
        published = exists().where(
            and_(model.id == ThemeAssignment.entry_id, model.status == ModerationStatus.APPROVED)
        )
        ids += db.session.scalars(
            select(ThemeAssignment.id).where(
                ThemeAssignment.run_id == run_id,
                ThemeAssignment.entry_type == entry_type,
                ~published,
            )
        )
    return ids


def _public_text(model):
    """An entry's public text: the moderator's redacted version when there is one."""
    return (
        PhotoEntry.wish if model is PhotoEntry else func.coalesce(model.redacted_text, model.text)
    )


def texts_of(keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The public text of each entry still published: an entry rejected since a run read it
    has none here, so no page, quote or download shows it (nor does an edit use it)."""
    wanted: dict[str, list[int]] = {}
    for entry_type, entry_id in keys:
        wanted.setdefault(entry_type, []).append(entry_id)
    found: dict[tuple[str, int], str] = {}
    for entry_type, ids in wanted.items():
        model = _MODELS.get(entry_type)
        if model is None:
            continue
        text = _public_text(model)
        for start in range(0, len(ids), 500):
            # The status is checked here, not in the query: there, SQLite read every entry of
            # that status through its index for each 500 ids, a cost growing with the square
            # of the entries (2 to 3 s of an export of 50,000).
            rows = db.session.execute(
                select(model.id, text, model.status).where(model.id.in_(ids[start : start + 500]))
            )
            found.update(
                {(entry_type, i): t for i, t, status in rows if status == ModerationStatus.APPROVED}
            )
    return found


def references_of(keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The reference residents were given (W-…, C-…, P-…) for each entry."""
    found: dict[tuple[str, int], str] = {}
    wish_ids = [i for t, i in keys if t == "wish"]
    comment_ids = [i for t, i in keys if t == "comment"]
    photo_ids = [i for t, i in keys if t == "photo"]
    for entry_type, query, ids in (
        ("wish", select(Wish.id, Submission.reference).join(Wish.submission), wish_ids),
        ("comment", select(Comment.id, Submission.reference).join(Comment.submission), comment_ids),
        ("photo", select(PhotoEntry.id, PhotoEntry.reference), photo_ids),
    ):
        model = _MODELS[entry_type]
        for start in range(0, len(ids), 500):
            rows = db.session.execute(query.where(model.id.in_(ids[start : start + 500])))
            found.update({(entry_type, row[0]): row[1] for row in rows})
    return found


def with_entries(assignments: Select) -> Select:
    """A query of assignments with two more columns: each one's entry reference (None for an
    entry deleted since) and public text (None for one no longer published), as references_of
    and texts_of give them, joined in: an export's lists of 500 ids at a time took PostgreSQL
    most of its 10 s at 50,000 entries."""
    kind, entry_id = ThemeAssignment.entry_type, ThemeAssignment.entry_id
    wish_submission, comment_submission = aliased(Submission), aliased(Submission)
    reference = case(
        (kind == "wish", wish_submission.reference),
        (kind == "comment", comment_submission.reference),
        (kind == "photo", PhotoEntry.reference),
    )
    published = [
        (and_(kind == entry_type, model.status == ModerationStatus.APPROVED), _public_text(model))
        for entry_type, model in _MODELS.items()
    ]
    return (
        assignments.add_columns(reference.label("reference"), case(*published).label("text"))
        .outerjoin(Wish, and_(kind == "wish", Wish.id == entry_id))
        .outerjoin(wish_submission, wish_submission.id == Wish.submission_id)
        .outerjoin(Comment, and_(kind == "comment", Comment.id == entry_id))
        .outerjoin(comment_submission, comment_submission.id == Comment.submission_id)
        .outerjoin(PhotoEntry, and_(kind == "photo", PhotoEntry.id == entry_id))
    )
