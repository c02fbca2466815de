"""Setting up a photo competition: its wording, address and dates, its criteria and its
judges. Judging it (shortlist, scores, rankings, results) is in :mod:`engage.services.judging`."""

import hashlib
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engage.extensions import db
from engage.models import (
    Competition,
    CompetitionRemoval,
    Consultation,
    Criterion,
    JudgeAppointment,
    Role,
    User,
)
from engage.services.judging import JudgingError, is_judge, scoring_started


class NotThisCompetitions(JudgingError):
    """A removal for an id that is not one of the competition's: never was (another
    competition's, now or removed from it), or may have been (see _removed_already)."""

    status = 404
    title = "Page not found"


@dataclass(frozen=True)
class CompetitionDates:
    entries_open_at: datetime
    entries_close_at: datetime
    voting_open_at: datetime
    voting_close_at: datetime


def create_competition(
    consultation: Consultation,
    *,
    slug: str,
    title: str,
    summary: str,
    rules: str,
    dates: CompetitionDates,
) -> Competition:
    """A new competition for a consultation; the slug must be new."""
    _check_details(None, slug, dates)
    details = {"slug": slug, "title": title, "summary": summary, "rules": rules}
    return _save(Competition(), consultation=consultation, **details, **vars(dates))


def _check_details(competition: Competition | None, slug: str, dates: CompetitionDates) -> None:
    if dates.entries_open_at >= dates.entries_close_at:
        raise JudgingError("The closing date for entries must be after the opening date")
    if dates.voting_open_at >= dates.voting_close_at:
        raise JudgingError("Voting must close after it opens")
    if dates.voting_close_at <= dates.entries_open_at:
        # A mistyped year, most often: there would be no photo to vote for.
        raise JudgingError("Voting must close after entries open")
    taken = select(Competition.id).where(Competition.slug == slug)
    if competition is not None:
        taken = taken.where(Competition.id != competition.id)
    if db.session.scalar(taken):
        raise JudgingError(f"The web address “{slug}” is taken: choose another")


def update_competition(
    competition: Competition,
    *,
    slug: str,
    title: str,
    summary: str,
    rules: str,
    dates: CompetitionDates,
) -> Competition:
    """Change a competition's wording, address or dates (a typo, a closing date moved).

    Once the results are published its dates and address stay as they were: the results
    page and what was announced depend on them."""
    if competition.results_published and (
        slug != competition.slug
        or any(getattr(competition, name) != value for name, value in vars(dates).items())
    ):
        raise JudgingError(
            "The results are published: the dates and web address can no longer change"
        )
    _check_details(competition, slug, dates)
    details = {"slug": slug, "title": title, "summary": summary, "rules": rules}
    return _save(competition, **details, **vars(dates))


def details_fingerprint(competition: Competition) -> str:
    """A short digest of a competition's details as saved: the edit form carries the one it was
    opened with, so that a save over another admin's later save is noticed, not undone unseen."""
    dates = [
        getattr(competition, f.name).astimezone(UTC).isoformat()
        for f in dataclass_fields(CompetitionDates)
    ]
    parts = [competition.slug, competition.title, competition.summary, competition.rules, *dates]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _save(competition: Competition, **fields) -> Competition:
    """Set a competition's fields and write them in a savepoint of their own, so that an
    address another request took at the same moment is refused and nothing else is lost.
    The fields are set inside the savepoint: beginning one writes what is pending."""
    savepoint = db.session.begin_nested()
    for name, value in fields.items():
        setattr(competition, name, value)
    db.session.add(competition)
    try:
        savepoint.commit()
    except IntegrityError as error:  # the same address taken at the same moment
        savepoint.rollback()
        raise JudgingError(
            f"The web address “{fields['slug']}” is taken: choose another"
        ) from error
    return competition


def get_criterion_named(competition: Competition, name: str) -> Criterion | None:
    """The competition's criterion of that name, ignoring case and surrounding spaces."""
    key = name.strip().casefold()
    return next((c for c in competition.criteria if c.name.strip().casefold() == key), None)


def add_criterion(competition: Competition, name: str, description: str = "") -> Criterion | None:
    """Add a criterion judges score from 1 to 5, after the others. None if it is on the
    competition already, with that description: the same form sent twice. One of that name
    described otherwise is not changed (another admin's, or a copy changed since)."""
    there = get_criterion_named(competition, name)
    if there is not None and there.description != description:
        raise JudgingError(f"The criterion “{there.name}” is on this competition already")
    if there is not None:
        return None
    if scoring_started(competition):
        raise JudgingError("Judges have started scoring: the criteria can no longer change")
    criterion = Criterion(
        id=_new_id(Criterion, "criterion"),
        competition=competition,
        name=name,
        description=description,
        position=len(competition.criteria) + 1,
    )
    db.session.add(criterion)
    db.session.flush()
    return criterion


def _new_id(model, kind: str) -> int | None:
    """The id for a new criterion or appointment, or None to let the database choose.

    SQLite gives the largest id again once its row is deleted (PostgreSQL's sequences never
    give an id twice): a removal sent again from a page opened before (the back button, a
    second admin) would take off the criterion or judge added since, and a judge's scores sent
    from such a page would go to the new criterion. On SQLite the id is chosen past every id
    on record as removed; writes wait for each other there (engage.db), so none takes it
    meanwhile."""
    if db.session.get_bind().dialect.name != "sqlite":
        return None
    removed = select(func.max(CompetitionRemoval.removed_id)).where(CompetitionRemoval.kind == kind)
    there = select(func.max(model.id))
    return max(db.session.scalar(removed) or 0, db.session.scalar(there) or 0) + 1


def lock_competition(competition_id: int) -> None:
    """Changes to one competition's criteria or judges that would clash when sent twice at once
    (a double click, two admins) wait for each other, then read it as the change before left it."""
    query = select(Competition.id).where(Competition.id == competition_id)
    db.session.execute(query.with_for_update())
    db.session.expire_all()


def remove_criterion(
    competition: Competition, criterion_id: int, admin: User | None
) -> Criterion | None:
    """Take a criterion off before any judge has scored; the others keep their order. None if
    it was removed already (the removal is on record)."""
    criterion = next((c for c in competition.criteria if c.id == criterion_id), None)
    if criterion is None:
        elsewhere = db.session.get(Criterion, criterion_id) is not None
        return _removed_already(competition, "criterion", criterion_id, elsewhere)
    if scoring_started(competition):
        raise JudgingError("Judges have started scoring: the criteria can no longer change")
    competition.criteria.remove(criterion)
    db.session.delete(criterion)
    for position, kept in enumerate(competition.criteria, start=1):
        kept.position = position
    _record_removal(competition, "criterion", criterion_id, admin)
    return criterion


def _record_removal(competition: Competition, kind: str, removed_id: int, admin) -> None:
    db.session.add(
        CompetitionRemoval(
            competition_id=competition.id,
            kind=kind,
            removed_id=removed_id,
            removed_by_id=admin.id if admin is not None else None,
        )
    )
    db.session.flush()


_NOT_FOUND = {
    "criterion": "That criterion was not found: it may have been removed already",
    "judge": "That judge was not found: they may have been removed already",
}


def _removed_already(competition: Competition, kind: str, removed_id: int, elsewhere: bool) -> None:
    """None for a removal sent again, on record. Another competition's id (`elsewhere`: its
    row is there, or its removal is on record) is not found as not this competition's.

    Any other id is no row's and has no record: made up, or removed before removals were
    recorded (migration 0012). Nothing tells which, or whose it was: nothing refers to a
    removed criterion (its scores would have kept it) or appointment (scores name the judge),
    and removals were not in the audit log then. It is not found, and said to be perhaps
    removed already, rather than this competition's or not."""
    query = select(CompetitionRemoval.competition_id).where(
        CompetitionRemoval.kind == kind, CompetitionRemoval.removed_id == removed_id
    )
    recorded = set(db.session.scalars(query))
    if competition.id in recorded:
        return None
    if elsewhere or recorded:
        raise NotThisCompetitions(f"That {kind} is not one of this competition's")
    raise NotThisCompetitions(f"{_NOT_FOUND[kind]}. Nothing was changed.")


def list_judge_candidates() -> list[User]:
    """Active staff with the judge role."""
    query = select(User).where(User.role == Role.JUDGE, User.active.is_(True)).order_by(User.name)
    return list(db.session.scalars(query))


def list_judges(competition: Competition) -> list[JudgeAppointment]:
    query = (
        select(JudgeAppointment)
        .where(JudgeAppointment.competition_id == competition.id)
        .order_by(JudgeAppointment.id)
    )
    return list(db.session.scalars(query))


def appoint_judge(competition: Competition, user: User) -> JudgeAppointment | None:
    """Appoint an active account with the judge role, until the results are published. None
    if they judge it already: the same form sent twice (the caller holds the lock)."""
    if user.role != Role.JUDGE or not user.active:
        raise JudgingError("Only an active account with the judge role can be appointed")
    if is_judge(user, competition):
        return None
    if competition.results_published:
        raise JudgingError("The results are published: the judges can no longer change")
    appointment = JudgeAppointment(
        id=_new_id(JudgeAppointment, "judge"), competition=competition, user=user
    )
    savepoint = db.session.begin_nested()
    db.session.add(appointment)
    try:
        savepoint.commit()
    except IntegrityError as error:
        savepoint.rollback()
        raise JudgingError(f"{user.name} already judges this competition") from error
    return appointment


def remove_judge(competition: Competition, appointment_id: int, admin: User | None) -> User | None:
    """End a judge's appointment. Their scores are kept (nothing is lost), but only the
    scores of the competition's judges count in the combined ranking. None if it was ended
    already (the removal is on record)."""
    appointment = db.session.get(JudgeAppointment, appointment_id)
    if appointment is None or appointment.competition_id != competition.id:
        return _removed_already(competition, "judge", appointment_id, appointment is not None)
    if competition.results_published:
        raise JudgingError("The results are published: the judges can no longer change")
    user = appointment.user
    db.session.delete(appointment)
    _record_removal(competition, "judge", appointment_id, admin)
    return user
