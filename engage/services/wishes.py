"""Residents' wishes: taking them in once and only once, and the public wish wall."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError

from engage.errors import NotAccepting
from engage.extensions import db
from engage.models import (
    Area,
    Consultation,
    ModerationStatus,
    RespondentDetails,
    Submission,
    User,
    Wish,
)
from engage.models._types import utcnow
from engage.services.moderation import flag_new_wishes
from engage.services.postcodes import find_area
from engage.services.references import new_reference
from engage.services.search import search_key
from engage.template_helpers import closing_date, local_date

MAX_WISHES = 3
MAX_WISH_LENGTH = 500
STAFF_GRACE = timedelta(days=30)


@dataclass(frozen=True)
class Received:
    """The outcome of a submission: the stored submission, and whether it was new."""

    submission: Submission
    created: bool


def get_submission_by_token(token: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.form_token == token))


def get_submission(submission_id: int) -> Submission | None:
    return db.session.get(Submission, submission_id)


def submit_wishes(
    consultation: Consultation,
    texts: list[str],
    *,
    channel: str = "online",
    form_token: str | None = None,
    card_number: str | None = None,
    keyed_by: User | None = None,
    now: datetime | None = None,
) -> Received:
    """Store a submission of one to three wishes, pending moderation, and flag what needs a look.

    A form token already used returns the submission stored under it, so a double click or a
    retried POST stores one submission. Texts must already be cleaned and validated. Staff may
    key in paper cards for a while after the consultation closes, as the post arrives.
    """
    now = now or utcnow()
    if form_token and (existing := get_submission_by_token(form_token)):
        return Received(existing, created=False)
    if not accepts(consultation, channel, now):
        raise NotAccepting(_closed_message(consultation, now))
    submission = Submission(
        consultation=consultation,
        channel=channel,
        received_at=now,
        form_token=form_token,
        card_number=card_number,
        keyed_by_id=keyed_by.id if keyed_by else None,
    )
    submission.wishes = [
        Wish(position=i, text=text, search_key=search_key(text), created_at=now)
        for i, text in enumerate(texts, start=1)
    ]
    received = Received(_insert_with_reference(submission, form_token), created=True)
    if received.submission is submission:
        flag_new_wishes(submission.wishes, consultation)
    return received


def accepts(consultation: Consultation, channel: str, now: datetime) -> bool:
    """Online while open; cards, the tree and workshops also for a grace period after closing."""
    if channel == "online":
        return consultation.is_open(now)
    return consultation.opens_at <= now < consultation.closes_at + STAFF_GRACE


def find_card(consultation: Consultation, card_number: str) -> Submission | None:
    """A submission already keyed in under this card number, in any case ("ab-12" is "AB-12")."""
    same_number = func.upper(Submission.card_number) == func.upper(card_number)
    return db.session.scalar(
        select(Submission)
        .where(Submission.consultation_id == consultation.id, same_number)
        .order_by(Submission.id)
        .limit(1)
    )


def _insert_with_reference(submission: Submission, form_token: str | None) -> Submission:
    """Insert under a fresh reference; a lost race on the form token yields the winner's row."""
    for _attempt in range(5):
        submission.reference = new_reference("W")
        savepoint = db.session.begin_nested()
        db.session.add(submission)
        try:
            savepoint.commit()
            return submission
        except IntegrityError:
            savepoint.rollback()
            if form_token and (existing := get_submission_by_token(form_token)):
                return existing
    raise RuntimeError("could not allocate a unique reference")


def set_respondent_details(
    submission: Submission,
    *,
    postcode: str | None,
    age_band: str | None,
    email: str | None,
    email_consent: bool,
) -> RespondentDetails:
    """Record the optional 'about you' answers and map the postcode to its area."""
    details = submission.details
    if details is None:
        details = submission.details = RespondentDetails()
    details.postcode = postcode or None
    details.age_band = age_band or None
    details.email = email or None
    details.email_consent = bool(email and email_consent)
    area = find_area(postcode) if postcode else None
    submission.area = area if area in submission.consultation.areas else None
    db.session.flush()
    return details


def wish_named(wish: Wish, limit: int = 60) -> str:
    """A wish as staff messages name it: the start of its published words, cut at a word, and
    its reference, as in “Later buses on Sundays…” (W-7K3P-9Q)."""
    words = wish.public_text
    if len(words) > limit:
        words = words[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return f"“{words}” ({wish.submission.reference})"


def wall_query(consultation: Consultation, words: list[str], area_code: str | None) -> Select:
    """Approved wishes of a consultation, newest first, with every lemma and in the area."""
    query = (
        select(Wish)
        .join(Wish.submission)
        .where(Submission.consultation_id == consultation.id)
        .where(Wish.status == ModerationStatus.APPROVED)
    )
    if words:
        query = query.where(
            and_(*(Wish.search_key.contains(f" {w} ", autoescape=True) for w in words))
        )
    if area_code:
        query = query.join(Submission.area).where(Area.code == area_code)
    return query.order_by(Wish.created_at.desc(), Wish.id.desc())


def count_wishes(consultation: Consultation, status: ModerationStatus | None = None) -> int:
    query = (
        select(func.count(Wish.id))
        .join(Wish.submission)
        .where(Submission.consultation_id == consultation.id)
    )
    if status is not None:
        query = query.where(Wish.status == status)
    return db.session.scalar(query) or 0


def _closed_message(consultation: Consultation, now: datetime) -> str:
    if now < consultation.opens_at:
        return f"{consultation.title} opens on {local_date(consultation.opens_at)}. Come back then."
    closed = closing_date(consultation.closes_at)
    return f"{consultation.title} closed on {closed}. We cannot accept new wishes."
