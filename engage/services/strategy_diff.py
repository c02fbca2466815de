"""What changed between two versions of a strategy: priorities paired by their key, and a
word-by-word side-by-side comparison of each field (difflib)."""

import difflib
import re
from dataclasses import dataclass

from engage.models import Priority, StrategyTheme, StrategyVersion

FIELD_LABELS = {
    "title": "Priority",
    "statement": "Statement",
    "why": "Why this is a priority",
    "outcome_measures": "Outcome measures",
    "activities": "Examples of partnership activity",
}

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Difference:
    """One priority key: 'added', 'removed', 'changed' or 'same' between two versions."""

    key: str
    kind: str
    before: Priority | None
    after: Priority | None


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class FieldComparison:
    label: str
    before: list[Segment]
    after: list[Segment]
    changed: bool


@dataclass(frozen=True)
class PriorityComparison:
    difference: Difference
    theme_title: str
    fields: list[FieldComparison]


def differences(old: StrategyVersion, new: StrategyVersion) -> list[Difference]:
    """Every priority of either version, in the new version's order, then the removed ones."""
    before = {p.key: p for p in old.priorities}
    after = {p.key: p for p in new.priorities}
    found = []
    for key, priority in after.items():
        if key not in before:
            found.append(Difference(key, "added", None, priority))
        else:
            same = before[key].content() == priority.content()
            found.append(Difference(key, "same" if same else "changed", before[key], priority))
    found += [Difference(k, "removed", p, None) for k, p in before.items() if k not in after]
    return found


def matching_theme(theme: StrategyTheme, version: StrategyVersion) -> StrategyTheme | None:
    """The theme of a later version that is this theme: the one with its slug (a revision keeps
    it), else the one its priorities went to, paired by key, if that one took none from another
    theme (an imported file names a renamed theme anew). None when it is no longer a theme."""
    same = next((t for t in version.themes if t.slug == theme.slug), None)
    if same is not None:
        return same
    pairs = {
        (d.before.theme, d.after.theme)
        for d in differences(theme.version, version)
        if d.before and d.after
    }
    went_to = {new for old, new in pairs if old is theme}
    if len(went_to) != 1:
        return None
    (candidate,) = went_to
    came_from = {old for old, new in pairs if new is candidate}
    slug_taken = any(t.slug == candidate.slug for t in theme.version.themes)
    return candidate if came_from == {theme} and not slug_taken else None


def compare_words(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Two lists of segments: the old text with deletions marked, the new with insertions."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if a1 < a2:
            left.append(Segment("".join(a[a1:a2]), op != "equal"))
        if b1 < b2:
            right.append(Segment("".join(b[b1:b2]), op != "equal"))
    return left, right


def compare_versions(old: StrategyVersion, new: StrategyVersion) -> list[PriorityComparison]:
    """The side-by-side view: each priority's fields, old against new."""
    compared = []
    for difference in differences(old, new):
        old_content = difference.before.content() if difference.before else {}
        new_content = difference.after.content() if difference.after else {}
        fields = []
        for name, label in FIELD_LABELS.items():
            old_text, new_text = old_content.get(name, ""), new_content.get(name, "")
            left, right = compare_words(old_text, new_text)
            fields.append(FieldComparison(label, left, right, old_text != new_text))
        theme = (difference.after or difference.before).theme.title
        compared.append(PriorityComparison(difference, theme, fields))
    return compared
