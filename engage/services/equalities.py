"""Equalities monitoring: storing a resident's optional answers under a random pseudonym, and
the only way they are read, an aggregate report with small counts suppressed.

See engage.models.equalities for why the answers cannot be joined to what anyone said.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from engage.errors import EngageError
from engage.extensions import db
from engage.models import EQUALITIES_QUESTIONS, SOURCES, Consultation, EqualitiesResponse
from engage.services.breakdowns import suppress

QUESTIONS = tuple(EQUALITIES_QUESTIONS)
# Shown for a hidden count: the same words as the strategy workspace's breakdowns.
HIDDEN = {"primary": "fewer than 10", "secondary": "not shown"}


class EqualitiesError(EngageError):
    status = 400
    title = "These answers could not be saved"


def new_pseudonym() -> str:
    """A random key that appears nowhere else: 128 bits from the operating system."""
    return secrets.token_hex(16)


def save_answers(
    consultation: Consultation,
    source: str,
    answers: dict[str, str | None],
    pseudonym: str | None = None,
) -> str:
    """Store (or, with this browser's pseudonym, replace) one set of answers; return the
    pseudonym. Unanswered questions are stored as nothing; unknown answers are refused."""
    if source not in SOURCES:
        raise EqualitiesError("Unknown kind of entry")
    for question, answer in answers.items():
        if question not in EQUALITIES_QUESTIONS:
            raise EqualitiesError(f"Unknown question {question!r}")
        if answer and answer not in EQUALITIES_QUESTIONS[question]["choices"]:
            raise EqualitiesError("Choose one of the answers given, or leave it blank")
    row = db.session.get(EqualitiesResponse, pseudonym) if pseudonym else None
    if row is None or row.consultation_id != consultation.id or row.source != source:
        row = EqualitiesResponse(
            pseudonym=new_pseudonym(), consultation_id=consultation.id, source=source
        )
        db.session.add(row)
    for question in QUESTIONS:
        if question in answers:
            setattr(row, question, answers[question] or None)
    db.session.flush()
    return row.pseudonym


@dataclass(frozen=True)
class QuestionReport:
    """One question's answers: (label, shown count) per answer, and how many answered."""

    question: str
    label: str
    rows: list[tuple[str, str]]
    answered: str


def count_responses(consultation: Consultation) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(EqualitiesResponse)
        .where(EqualitiesResponse.consultation_id == consultation.id)
    )


def equalities_report(consultation: Consultation) -> list[QuestionReport]:
    """Every question's counts for a consultation, each count from 1 to 9 hidden, and as many
    others as it takes so that no hidden count can be worked out from the total."""
    reports = []
    for question, spec in EQUALITIES_QUESTIONS.items():
        column = getattr(EqualitiesResponse, question)
        counted = dict(
            db.session.execute(
                select(column, func.count())
                .where(EqualitiesResponse.consultation_id == consultation.id, column.is_not(None))
                .group_by(column)
            ).all()
        )
        choices = list(spec["choices"].items())
        counts = [[counted.get(value, 0)] for value, _label in choices]
        marks = suppress(counts)
        rows = [
            (label, HIDDEN.get(marks[i][0], str(counts[i][0])))
            for i, (_value, label) in enumerate(choices)
        ]
        total = sum(c[0] for c in counts)
        answered = HIDDEN.get(marks[-1][0], str(total))
        reports.append(QuestionReport(question, spec["label"], rows, answered))
    return reports
