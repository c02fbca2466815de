"""Evidence for a draft's priorities: the residents' wishes and the analysis themes each one
cites, and what residents are shown of them."""

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import ModerationStatus, Priority, PriorityEvidence, RunTheme, Submission, Wish
from engage.services.strategy import StrategyError, require_draft
from engage.services.wishes import wish_named


def evidence_summary(priority: Priority) -> tuple[int, int]:
    """(published wishes cited, distinct areas they came from): a cited wish rejected since is
    no longer shown, so it is not counted either."""
    row = db.session.execute(
        select(func.count(Wish.id), func.count(func.distinct(Submission.area_id)))
        .join(PriorityEvidence, PriorityEvidence.wish_id == Wish.id)
        .join(Wish.submission)
        .where(
            PriorityEvidence.priority_id == priority.id,
            Wish.status == ModerationStatus.APPROVED,
        )
    ).one()
    return row[0], row[1]


def cited_themes(priorities: list[Priority]) -> list[RunTheme]:
    """The analysis themes these priorities cite as evidence, biggest first, each once."""
    if not priorities:
        return []
    cited = select(PriorityEvidence.run_theme_id).where(
        PriorityEvidence.priority_id.in_([p.id for p in priorities])
    )
    themes = db.session.scalars(select(RunTheme).where(RunTheme.id.in_(cited)))
    return sorted(themes, key=lambda t: (-t.size, t.id))


def cite_wishes(priority: Priority, wishes: list[Wish]) -> int:
    """Cite approved wishes of the strategy's consultation; returns how many were new."""
    require_draft(priority.theme.version)
    consultation_id = priority.theme.version.strategy.consultation_id
    have = {e.wish_id for e in priority.evidence}
    added = 0
    for wish in wishes:
        if wish.submission.consultation_id != consultation_id:
            raise StrategyError("Cite wishes of this strategy's own consultation")
        if wish.status != ModerationStatus.APPROVED:
            raise StrategyError(f"The wish {wish_named(wish)} is not published: it cannot be cited")
        if wish.id not in have:
            priority.evidence.append(PriorityEvidence(wish=wish))
            have.add(wish.id)
            added += 1
    db.session.flush()
    return added


def uncite_wish(priority: Priority, wish_id: int) -> bool:
    """Take a wish off the evidence; False if it was not cited (taken off already)."""
    return _uncite(priority, lambda e: e.wish_id == wish_id)


def cite_theme(priority: Priority, theme) -> bool:
    """Cite a theme of an analysis run of the strategy's consultation as evidence; False if it
    was cited already."""
    require_draft(priority.theme.version)
    run = theme.run
    if run.consultation_id != priority.theme.version.strategy.consultation_id:
        raise StrategyError("Cite themes of this strategy's own consultation")
    if not run.is_done or not theme.visible:
        raise StrategyError("Choose a current theme of a finished analysis run")
    new = all(e.run_theme_id != theme.id for e in priority.evidence)
    if new:
        priority.evidence.append(PriorityEvidence(run_theme=theme))
    db.session.flush()
    return new


def uncite_theme(priority: Priority, theme_id: int) -> bool:
    """Take an analysis theme off the evidence; False if it was not cited (taken off already)."""
    return _uncite(priority, lambda e: e.run_theme_id == theme_id)


def _uncite(priority: Priority, cited) -> bool:
    require_draft(priority.theme.version)
    kept = [e for e in priority.evidence if not cited(e)]
    removed = len(kept) < len(priority.evidence)
    priority.evidence = kept
    db.session.flush()
    return removed
