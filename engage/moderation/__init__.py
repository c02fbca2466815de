"""Officers: the moderation queue, keyed-in cards and workshop sheets."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint

from engage.models import Role
from engage.staff import guard_blueprint

bp = Blueprint("moderation", __name__, url_prefix="/staff")
guard_blueprint(bp, Role.OFFICER)


@dataclass(frozen=True)
class EntryQueue:
    """One kind of entry officers moderate, shown as a tab above every queue."""

    label: str
    endpoint: str
    waiting: Callable[[], int]


QUEUES: list[EntryQueue] = []


def register_queue(label: str, endpoint: str, waiting: Callable[[], int]) -> None:
    """Add a queue tab: ``waiting`` counts the entries that wait for a decision."""
    QUEUES.append(EntryQueue(label, endpoint, waiting))


@bp.context_processor
def _queue_tabs():
    return {"entry_queues": QUEUES}


from engage.moderation import cards, comments, photos, queue, workshops  # noqa: E402,F401
