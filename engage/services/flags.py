"""Automatic flags that help moderators: personal data, offensive language and likely spam.

Pure functions (no database, no app context), called by the moderation service:

    from engage.services.flags import (
        Span, FoundFlag, find_personal_data, redact_personal_data, detect_flags,
    )

``find_personal_data(text) -> list[Span]``
    Personal data in the text, sorted by position and never overlapping. ``Span.kind`` is one
    of "email", "phone", "postcode", "ni_number", "url", "street_address", "name"; ``start``
    and ``end`` are character offsets and ``text`` is ``text[start:end]``.

``redact_personal_data(text, kinds=None) -> str``
    The text with each span (of the given kinds, or all) replaced by a placeholder such as
    "[email removed]" or "[name removed]": the suggestion that "approve a redacted version"
    starts from.

``detect_flags(text, others=()) -> list[FoundFlag]``
    ``FoundFlag.kind`` is "personal_data" (one flag per kind of data found, the detail names
    the kind and a masked example, e.g. "email address: j***@example.com"), "offensive"
    ("offensive language") or "spam" ("link to another site", "repeated text", "mostly
    symbols or numbers", "near-duplicate of another entry"). Links are reported as spam, not as
    personal data, although redaction removes them too. ``others`` are other recent entries of
    the same consultation (not including this one); thousands are fine, since their shingle
    sets are cached.

Detection is deliberately simple and tuned for precision on residents' wishes in an English
city; benchmarks/flags_recall.py measures it on tests/data/pii_cases.csv.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engage.services.flags_names import find_names
from engage.services.flags_offensive import (
    OFFENSIVE_THRESHOLD,
    is_offensive,
    offensive_probability,
)
from engage.services.flags_patterns import FINDERS, phone_digits
from engage.services.flags_spam import (
    has_repeated_characters,
    has_repeated_words,
    is_mostly_non_letters,
    near_duplicate_of,
)

__all__ = [
    "OFFENSIVE_THRESHOLD",
    "FoundFlag",
    "Span",
    "detect_flags",
    "find_personal_data",
    "offensive_probability",
    "redact_personal_data",
]


@dataclass(frozen=True)
class Span:
    """One piece of personal data found in a text."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class FoundFlag:
    """One reason for a moderator to look closely at an entry."""

    kind: str
    detail: str


# When two detectors claim overlapping text, the earlier kind here wins: an email contains a
# domain, a URL can contain digits, and an address or a phrase can look like a name.
_PRIORITY = ("email", "url", "ni_number", "phone", "postcode", "street_address", "name")

PLACEHOLDERS = {
    "email": "[email removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
    "ni_number": "[National Insurance number removed]",
    "url": "[link removed]",
    "street_address": "[address removed]",
    "name": "[name removed]",
}
_LABELS = {
    "email": "email address",
    "phone": "phone number",
    "postcode": "postcode",
    "ni_number": "National Insurance number",
    "street_address": "street address",
    "name": "possible name",
}


def _candidates(text: str) -> list[Span]:
    """Every span any detector proposes, possibly overlapping."""
    found = [(kind, offsets) for kind, finder in FINDERS.items() for offsets in finder(text)]
    found += [("name", offsets) for offsets in find_names(text)]
    return [Span(kind, start, end, text[start:end]) for kind, (start, end) in found if end > start]


def find_personal_data(text: str) -> list[Span]:
    """Personal data in the text: sorted, non-overlapping spans."""
    if not text:
        return []
    ranked = sorted(
        _candidates(text), key=lambda s: (_PRIORITY.index(s.kind), s.start - s.end, s.start)
    )
    chosen: list[Span] = []
    for span in ranked:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def redact_personal_data(text: str, kinds: frozenset[str] | None = None) -> str:
    """The text with personal data (of the given kinds, or all) replaced by placeholders."""
    pieces, position = [], 0
    for span in find_personal_data(text):
        if kinds is None or span.kind in kinds:
            pieces += [text[position : span.start], PLACEHOLDERS[span.kind]]
            position = span.end
    return "".join(pieces) + text[position:]


def mask(span: Span) -> str:
    """A moderator-facing hint of what was found, without repeating all of it."""
    value = " ".join(span.text.split())
    if span.kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}" if domain else value[:2] + "***"
    if span.kind == "phone":
        digits = phone_digits(value)
        return f"{digits[:5]} ***{digits[-2:]}"
    if span.kind == "ni_number":
        return value[:2].upper() + " ** ** ** *"
    if span.kind == "postcode":
        return value[:-3].strip().upper() + " ***"
    if span.kind == "street_address":
        return re.sub(r"\d", "*", value)
    return value


def _personal_data_flags(spans: list[Span]) -> list[FoundFlag]:
    """One flag per kind of personal data, naming the first example and how many more."""
    flags = []
    for kind in _PRIORITY:
        of_kind = [s for s in spans if s.kind == kind]
        if not of_kind or kind == "url":
            continue
        more = f" (and {len(of_kind) - 1} more)" if len(of_kind) > 1 else ""
        flags.append(FoundFlag("personal_data", f"{_LABELS[kind]}: {mask(of_kind[0])}{more}"))
    return flags


def spam_details(text: str, spans: list[Span], others: Sequence[str]) -> list[str]:
    """Human reasons why the text looks like spam."""
    reasons = []
    if any(span.kind == "url" for span in spans):
        reasons.append("link to another site")
    if has_repeated_characters(text) or has_repeated_words(text):
        reasons.append("repeated text")
    if is_mostly_non_letters(text):
        reasons.append("mostly symbols or numbers")
    if others and near_duplicate_of(text, others) is not None:
        reasons.append("near-duplicate of another entry")
    return reasons


def detect_flags(text: str, others: Sequence[str] = ()) -> list[FoundFlag]:
    """Personal data, offensive language and spam flags for one entry."""
    if not text or not text.strip():
        return []
    spans = find_personal_data(text)
    flags = _personal_data_flags(spans)
    if is_offensive(text):
        flags.append(FoundFlag("offensive", "offensive language"))
    flags += [FoundFlag("spam", detail) for detail in spam_details(text, spans, others)]
    return flags
