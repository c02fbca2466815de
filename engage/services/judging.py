"""Judging a photo competition: the shortlist, judges' scores, the combined ranking with
ties, the people's choice and published results. Setting one up (dates, criteria, judges) is
in :mod:`engage.services.competitions`."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage.errors import EngageError
from engage.extensions import db
from engage.models import (
    Award,
    Competition,
    CompetitionRemoval,
    Criterion,
    JudgeAppointment,
    ModerationStatus,
    PhotoEntry,
    Score,
    User,
)
from engage.models._types import utcnow
from engage.services.photos import count_votes

SCORE_RANGE = range(1, 6)


class JudgingError(EngageError):
    title = "That could not be saved"


@dataclass(frozen=True)
class Ranked:
    """An entry's place: `score` is the judges' combined score (or the vote count)."""

    entry: PhotoEntry
    score: float | None
    rank: int | None
    tied: bool
    judges: int = 0


def scoring_started(competition: Competition) -> bool:
    query = select(Score.id).join(Criterion).where(Criterion.competition_id == competition.id)
    return db.session.scalar(query.limit(1)) is not None


def set_shortlist(
    competition: Competition, entry_ids: set[int], shown: set[int] | None = None
) -> int:
    """Shortlist exactly these of the approved entries the admin's page showed (`shown`; all
    when None). One approved since is left as it is: another admin may have shortlisted it.
    Returns how many are shortlisted."""
    entries = db.session.scalars(
        select(PhotoEntry).where(
            PhotoEntry.competition_id == competition.id,
            PhotoEntry.status == ModerationStatus.APPROVED,
        )
    )
    count = 0
    for entry in entries:
        if shown is None or entry.id in shown:
            entry.shortlisted = entry.id in entry_ids
        count += entry.shortlisted
    db.session.flush()
    return count


def shortlisted_entries(competition: Competition) -> list[PhotoEntry]:
    query = (
        select(PhotoEntry)
        .where(
            PhotoEntry.competition_id == competition.id,
            PhotoEntry.status == ModerationStatus.APPROVED,
            PhotoEntry.shortlisted.is_(True),
        )
        .order_by(PhotoEntry.created_at, PhotoEntry.id)
    )
    return list(db.session.scalars(query))


def competitions_judged_by(user: User) -> list[Competition]:
    query = (
        select(Competition)
        .join(JudgeAppointment, JudgeAppointment.competition_id == Competition.id)
        .where(JudgeAppointment.user_id == user.id)
        .order_by(Competition.entries_open_at.desc())
    )
    return list(db.session.scalars(query))


def is_judge(user: User, competition: Competition) -> bool:
    query = select(JudgeAppointment.id).where(
        JudgeAppointment.user_id == user.id, JudgeAppointment.competition_id == competition.id
    )
    return db.session.scalar(query) is not None


def scores_of(judge: User, competition: Competition) -> dict[int, dict[int, int]]:
    """This judge's scores: entry id → criterion id → value."""
    rows = db.session.scalars(
        select(Score)
        .join(Criterion)
        .where(Score.judge_id == judge.id, Criterion.competition_id == competition.id)
    )
    found: dict[int, dict[int, int]] = {}
    for score in rows:
        found.setdefault(score.entry_id, {})[score.criterion_id] = score.value
    return found


def save_scores(
    judge: User,
    entry: PhotoEntry,
    values: dict[int, int],
    now: datetime | None = None,
) -> None:
    """A judge's score for every criterion of a shortlisted entry (replacing earlier ones).
    The caller holds the competition's lock (lock_competition), so that a criterion or the
    judge removed at the same moment is found gone here rather than scored."""
    competition = entry.competition
    _check_can_score(judge, competition, entry)
    criteria = {c.id for c in competition.criteria}
    if _removed_meanwhile(competition, set(values) - criteria):
        raise JudgingError(
            f"A criterion was removed since this page was opened: your scores for "
            f"“{entry.title}” were not saved. Check them against the criteria now set, "
            "and save them again"
        )
    if set(values) != criteria or any(v not in SCORE_RANGE for v in values.values()):
        raise JudgingError("Give a score from 1 to 5 for every criterion")
    mine = scores_of(judge, competition).get(entry.id, {})
    existing = db.session.scalars(
        select(Score).where(Score.judge_id == judge.id, Score.entry_id == entry.id)
    )
    by_criterion = {s.criterion_id: s for s in existing}
    now = now or utcnow()
    for criterion_id, value in values.items():
        if criterion_id in mine:
            by_criterion[criterion_id].value, by_criterion[criterion_id].scored_at = value, now
        else:
            db.session.add(
                Score(
                    judge_id=judge.id,
                    entry_id=entry.id,
                    criterion_id=criterion_id,
                    value=value,
                    scored_at=now,
                )
            )
    db.session.flush()


def _removed_meanwhile(competition: Competition, criterion_ids: set[int]) -> bool:
    """Whether any of these was one of the competition's criteria, removed since (any other
    id is a hand-edited form's, and refused as not a score for every criterion)."""
    if not criterion_ids:
        return False
    query = select(CompetitionRemoval.id).where(
        CompetitionRemoval.competition_id == competition.id,
        CompetitionRemoval.kind == "criterion",
        CompetitionRemoval.removed_id.in_(criterion_ids),
    )
    return db.session.scalar(query.limit(1)) is not None


def _check_can_score(judge: User, competition: Competition, entry: PhotoEntry) -> None:
    if not is_judge(judge, competition):
        raise JudgingError("You are not a judge of this competition")
    if competition.results_published:
        raise JudgingError("The results are published: scores can no longer change")
    if not entry.shortlisted or entry.status != ModerationStatus.APPROVED:
        # Taken off the shortlist, or taken down, while the judge's page was open.
        raise JudgingError(
            f"“{entry.title}” is not on the shortlist now (it may have been taken off since "
            "this page was opened): your scores for it were not saved"
        )
    if not competition.criteria:
        raise JudgingError("The criteria have not been set yet")


def judges_ranking(competition: Competition) -> list[Ranked]:
    """Shortlisted entries by combined score: each judge's total over the criteria, averaged
    over the judges who scored every criterion. Entries not yet scored come last."""
    criteria = {c.id for c in competition.criteria}
    totals: dict[int, dict[int, dict[int, int]]] = {}
    judges = select(JudgeAppointment.user_id).where(
        JudgeAppointment.competition_id == competition.id
    )
    rows = db.session.scalars(
        select(Score)
        .join(Criterion)
        .where(Criterion.competition_id == competition.id, Score.judge_id.in_(judges))
    )
    for score in rows:
        totals.setdefault(score.entry_id, {}).setdefault(score.judge_id, {})[score.criterion_id] = (
            score.value
        )
    scored = []
    for entry in shortlisted_entries(competition):
        complete = [
            sum(v.values()) for v in totals.get(entry.id, {}).values() if set(v) == criteria
        ]
        mean = round(sum(complete) / len(complete), 2) if complete else None
        scored.append((entry, mean, len(complete)))
    return _ranked(scored)


def votes_ranking(competition: Competition) -> list[Ranked]:
    """Approved entries by the people's votes, most first."""
    votes = count_votes(competition)
    entries = db.session.scalars(
        select(PhotoEntry)
        .where(
            PhotoEntry.competition_id == competition.id,
            PhotoEntry.status == ModerationStatus.APPROVED,
        )
        .order_by(PhotoEntry.id)
    )
    return _ranked([(e, float(votes.get(e.id, 0)), 0) for e in entries])


def _ranked(scored: list[tuple[PhotoEntry, float | None, int]]) -> list[Ranked]:
    """Highest first; equal scores share a rank and are marked tied."""
    ordered = sorted(scored, key=lambda s: (s[1] is None, -(s[1] or 0), s[0].id))
    counts: dict[float, int] = {}
    for _entry, score, _judges in ordered:
        if score is not None:
            counts[score] = counts.get(score, 0) + 1
    ranked, rank_of = [], {}
    for position, (entry, score, judges) in enumerate(ordered, start=1):
        rank = None if score is None else rank_of.setdefault(score, position)
        tied = score is not None and counts[score] > 1
        ranked.append(Ranked(entry, score, rank, tied, judges))
    return ranked


def publish_results(
    competition: Competition,
    awards: dict[str, PhotoEntry | None],
    admin: User,
    now: datetime | None = None,
) -> list[Award]:
    """Publish the winner, an optional runner-up and the people's choice, once."""
    now = now or utcnow()
    if competition.results_published:
        raise JudgingError("The results are already published")
    if not competition.results_due(now):
        raise JudgingError("The results can be published once entries and voting have closed")
    if awards.get("winner") is None:
        raise JudgingError("Choose the winner")
    runner_up = awards.get("runner_up")
    if runner_up is not None and runner_up.id == awards["winner"].id:
        raise JudgingError("The winner and the runner-up must be different photos")
    _check_award_entries(competition, awards)
    made = [
        Award(
            competition_id=competition.id,
            entry=entry,
            kind=kind,
            score=_score_text(competition, kind, entry),
            published_by_id=admin.id,
            created_at=now,
        )
        for kind, entry in awards.items()
        if entry is not None
    ]
    savepoint = db.session.begin_nested()
    db.session.add_all(made)
    competition.results_published_at = now
    try:
        savepoint.commit()
    except IntegrityError as error:  # the same results sent twice at once: the first stands
        savepoint.rollback()
        raise JudgingError("The results are already published") from error
    return made


def _check_award_entries(competition: Competition, awards: dict[str, PhotoEntry | None]) -> None:
    for kind, entry in awards.items():
        if entry is None:
            continue
        if entry.competition_id != competition.id or entry.status != ModerationStatus.APPROVED:
            raise JudgingError("Choose among this competition's published entries")
        if kind in ("winner", "runner_up") and not entry.shortlisted:
            raise JudgingError("The judges' awards go to shortlisted entries")


def _score_text(competition: Competition, kind: str, entry: PhotoEntry) -> str:
    ranking = (
        votes_ranking(competition) if kind == "peoples_choice" else judges_ranking(competition)
    )
    for ranked in ranking:
        if ranked.entry.id == entry.id and ranked.score is not None:
            if kind == "peoples_choice":
                votes = int(ranked.score)
                return f"{votes} {'vote' if votes == 1 else 'votes'}"
            return f"{ranked.score:g} out of {5 * len(competition.criteria)}"
    return ""


def list_awards(competition: Competition, *, public: bool = False) -> list[Award]:
    """The awards in order; `public` leaves out a photo taken down since (reported and
    rejected), whose words and credit must no longer be shown."""
    order = {"winner": 0, "runner_up": 1, "peoples_choice": 2}
    query = select(Award).where(Award.competition_id == competition.id)
    if public:
        query = query.join(Award.entry).where(PhotoEntry.status == ModerationStatus.APPROVED)
    return sorted(db.session.scalars(query), key=lambda a: order.get(a.kind, 9))
