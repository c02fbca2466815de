"""Automatic flags that help moderators: personal data, offensive language and likely spam.

Pure functions (no database, no app context), called by the moderation service:

    from engage.services.flags import (
        Span, FoundFlag, find_personal_data, redact_personal_data, detect_flags,
    )

    @dataclass(frozen=True)
    class Span:                      # one piece of personal data found in a text
        kind: str                    # "email" | "phone" | "postcode" | "ni_number" | "url"
                                     # | "street_address" | "name"
        start: int                   # character offsets: text[start:end] == span.text
        end: int
        text: str

    @dataclass(frozen=True)
    class FoundFlag:
        kind: str                    # "personal_data" | "offensive" | "spam"
        detail: str                  # short reason shown to the moderator

    def find_personal_data(text: str) -> list[Span]
        Sorted by position, never overlapping (an email beats the domain inside it, etc.).

    def redact_personal_data(text: str, kinds: frozenset[str] | None = None) -> str
        Each span (of the given kinds, or all) replaced by "[email removed]", "[phone number
        removed]", "[postcode removed]", "[National Insurance number removed]", "[link
        removed]", "[address removed]" or "[name removed]": the suggestion that "approve a
        redacted version" starts from.

    def detect_flags(text: str, others: Sequence[str] = ()) -> list[FoundFlag]
        In this order: "personal_data", one flag per kind found, whose detail names the kind
        and a masked first example ("email address: j***@example.com (and 1 more)", "phone
        number: 07*******23", "possible name: John Smith"); "offensive" ("offensive
        language"); "spam" ("link to another site", "repeated text", "mostly symbols or
        numbers", "near-duplicate of another entry"). Links are reported as spam, not as
        personal data, though redaction removes them. ``others`` are other recent entries of
        the same consultation, NOT including this one; thousands are fine (about 10 ms for
        2,000 once their shingles are cached).

What is found: emails (also "name (at) example (dot) com"); UK phone numbers checked against
the numbering plan (07, 01, 02, 03, 08, 09, +44, 0044, spaces, dashes, brackets); full UK
postcodes in any case, with or without the space; National Insurance numbers under HMRC's
prefix rules (plus the specimen prefix QQ); URLs and bare domains with a known top-level
domain; a house number followed by a capitalised street name and street type ("12 Duffield
Road", "Flat 3, 45 London Rd"); names after "my name is", "I'm", a title (Mrs, Dr, Cllr...),
in a sign-off, or a zxcvbn first name followed by a zxcvbn surname. Streets without a house
number, districts ("DE22"), years, prices, dates and bus routes are not personal data.

The sibling modules hold the detectors: flags_patterns (regular expressions), flags_names,
flags_offensive (alt-profanity-check plus a British word list) and flags_spam.
benchmarks/flags_recall.py measures recall and precision on tests/data/pii_cases.csv.
"""

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from engage.services.flags_names import find_names
from engage.services.flags_offensive import is_offensive
from engage.services.flags_patterns import FINDERS, phone_digits
from engage.services.flags_spam import (
    has_repeated_characters,
    has_repeated_words,
    is_mostly_non_letters,
    near_duplicate_of,
)

__all__ = ["FoundFlag", "Span", "detect_flags", "find_personal_data", "redact_personal_data"]


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
    # Chosen spans never overlap, so kept sorted by start their ends are sorted too: each
    # candidate needs only its two neighbours checked (hostile text can have many thousands).
    starts: list[int] = []
    chosen: list[Span] = []
    for span in ranked:
        at = bisect.bisect_left(starts, span.start)
        if at > 0 and chosen[at - 1].end > span.start:
            continue
        if at < len(chosen) and chosen[at].start < span.end:
            continue
        starts.insert(at, span.start)
        chosen.insert(at, span)
    return chosen


def redact_personal_data(text: str, kinds: frozenset[str] | None = None) -> str:
    """The text with personal data (of the given kinds, or all) replaced by placeholders."""
    pieces, position = [], 0
    for span in find_personal_data(text):
        if kinds is None or span.kind in kinds:
            pieces += [text[position : span.start], PLACEHOLDERS[span.kind]]
            position = span.end
    return "".join(pieces) + text[position:]


def redaction_suggestion(entry) -> str:
    """What a moderator is offered to publish: the redaction published now, if there is one,
    else the entry's text with its personal data replaced by placeholders."""
    if entry.redacted_text is not None:
        return entry.redacted_text
    return redact_personal_data(entry.text)


# A redacted version may be longer than the entry: "[email address removed]" replaces
# "a@b.co". Four times the entry's limit holds any entry with every character redacted.
REDACTION_GROWTH = 4


def mask(span: Span) -> str:
    """A moderator-facing hint of what was found, without repeating all of it."""
    value = " ".join(span.text.split())
    if span.kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}" if domain else value[:2] + "***"
    if span.kind == "phone":
        digits = phone_digits(value)
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
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
