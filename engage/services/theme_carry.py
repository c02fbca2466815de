"""Carrying the team's edits from one run to the next.

The new run's themes are matched to the previous run's themes as the team left them:

1. Each new theme's *owner* is the previous theme that held most of its members (at least
   half), or, when its entries are new, the previous theme whose keywords it shares most
   (Jaccard of keywords at least 0.5).
2. A previous theme the team made by merging: the new themes it owns are merged again.
   A previous theme the team split: the new themes made mostly (at least half) of its parts'
   entries are made one theme again (more than one when the team had merged two themes and
   then split the result), which is split again by the model fitted at the split, into
   parts that continue the team's parts.
3. A previous theme *persists* as the new theme it owns with the highest Jaccard overlap of
   members (at least 0.3). A persisting renamed theme keeps the team's name, and its confirmed
   mappings onto the strategy.
4. Entries the team moved stay in (the successor of) the theme they were moved to; when that
   theme has no successor, the team's theme is made again in the new run. Entries marked not
   relevant stay not relevant.
5. A theme whose entries step 4 changed (made again, given or losing entries) is described
   by the entries it holds now: its keywords and the analysis's label are recomputed, and
   only a name the team typed is kept (see ``theme_keywords``). Otherwise a theme made again
   from a few moved entries would keep an analysis label that fits none of them.

What was carried is logged as one "carry" edit of the new run.
"""

from collections import Counter, defaultdict
from functools import partial

from sqlalchemy import func, select, update

from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment
from engage.services.analysis_runs import matching_terms
from engage.services.run_models import load_model, split_parts
from engage.services.theme_edits import log_edit
from engage.services.theme_keywords import describe_from_members
from engage.services.theme_mappings import give_mapping
from engage.services.theme_mentions import move_mentions, route_mentions
from engage.services.workspace_entries import texts_of

OWN_SHARE = 0.5
KEYWORD_MATCH = 0.5
PERSIST_JACCARD = 0.3


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _members(run: AnalysisRun, relevant_only: bool) -> dict[int, set[str]]:
    query = select(ThemeAssignment.theme_id, ThemeAssignment.entry_type, ThemeAssignment.entry_id)
    query = query.where(ThemeAssignment.run_id == run.id)
    if relevant_only:
        query = query.where(ThemeAssignment.not_relevant.is_(False))
    out: dict[int, set[str]] = defaultdict(set)
    for theme_id, entry_type, entry_id in db.session.execute(query):
        out[theme_id].add(f"{entry_type}:{entry_id}")
    return out


def carry_over(previous: AnalysisRun, run: AnalysisRun) -> dict:
    """Apply the team's edits of `previous` to the freshly fitted `run`."""
    db.session.flush()
    old = {t.id: t for t in previous.themes if t.visible}
    old_members = _members(previous, relevant_only=True)
    new = {t.id: t for t in run.themes}
    new_members = _members(run, relevant_only=False)
    owner = _owners(old, old_members, new, new_members)
    merged = _merge_again(previous, run, owner, new, new_members)
    split = _split_again(previous, run, owner, new, new_members, old_members, merged)
    successor = _persisting(old, old_members, new, new_members, owner)
    moved, dropped, touched = _entries(previous, run, successor)
    describe_from_members(run, touched)
    summary = {
        "from_run": previous.id,
        "renamed": sorted(new[n].label for o, n in successor.items() if old[o].renamed),
        "merged_again": merged,
        "split_again": split,
        "moved": moved,
        "not_relevant": dropped,
    }
    if any(summary[k] for k in ("renamed", "merged_again", "split_again", "moved", "not_relevant")):
        log_edit(run, "carry", None, None, **summary)
    db.session.flush()
    return summary


def _owners(old, old_members, new, new_members) -> dict[int, int]:
    theme_of = {key: t for t, keys in old_members.items() if t in old for key in keys}
    owner = {}
    for n, keys in new_members.items():
        counts = Counter(theme_of[k] for k in keys if k in theme_of)
        if counts:
            o, c = counts.most_common(1)[0]
            if c / len(keys) >= OWN_SHARE:
                owner[n] = o
                continue
        words = {k.lower() for k in new[n].keywords}
        scores = {o: _jaccard(words, {k.lower() for k in t.keywords}) for o, t in old.items()}
        best = max(scores, key=scores.get, default=None)
        if best is not None and scores[best] >= KEYWORD_MATCH:
            owner[n] = best
    return owner


def _merge_again(previous, run, owner, new, new_members) -> list[str]:
    targets = {t.merged_into_id for t in previous.themes if t.merged_into_id}
    groups: dict[int, list[int]] = defaultdict(list)
    for n, o in owner.items():
        groups[o].append(n)
    labels = []
    for o, themes in groups.items():
        if o not in targets or len(themes) < 2:
            continue
        keep, *rest = sorted(themes, key=lambda n: (-len(new_members[n]), n))
        for n in rest:
            labels.append(_fold(run, new, new_members, owner, n, keep))
    return labels


def _fold(run, new, new_members, owner, n: int, keep: int) -> str:
    """Merge the new run's theme `n` into `keep`; returns the label merged away."""
    db.session.execute(
        update(ThemeAssignment)
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id == n)
        .values(theme_id=keep)
    )
    move_mentions(run.id, n, keep)
    new[keep].keywords = new[keep].keywords + [
        k for k in new[n].keywords if k not in new[keep].keywords
    ]
    new[keep].representatives = new[keep].representatives + new[n].representatives
    new[n].merged_into = new[keep]
    new_members[keep] |= new_members.pop(n)
    owner.pop(n, None)
    return new[n].label


def _split_again(previous, run, owner, new, new_members, old_members, merged) -> list[str]:
    """Split again what the team split; `merged` gets the labels of themes made one first."""
    labels = []
    for parent in (t for t in previous.themes if t.split):
        parts = [t for t in previous.themes if t.parent_id == parent.id and t.visible]
        was_in = {key: p for p in parts for key in old_members.get(p.id, ())}
        shares = {
            n: sum(key in was_in for key in keys) / len(keys)
            for n, keys in new_members.items()
            if keys and new[n].visible
        }
        # Every new theme made mostly of the split theme's entries: more than one when the
        # team had merged two themes before splitting the result, and the new run found the
        # two again. They are one theme again, then split as the team split it.
        held = sorted(
            (n for n, share in shares.items() if share >= OWN_SHARE),
            key=lambda n: (-shares[n] * len(new_members[n]), n),
        )
        if not held or len(parts) < 2:
            continue
        model = load_model(parent.split_model_file)
        if model is None:
            continue
        target, *rest = held
        merged += [_fold(run, new, new_members, owner, n, target) for n in rest]
        children = _split_along(new[target], parent, parts)
        for part, child in children.items():
            owner[child.id], new[child.id] = part.id, child
            new_members[child.id] = set()
        assignments = db.session.scalars(
            select(ThemeAssignment).where(
                ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id == target
            )
        ).all()
        texts = texts_of([(a.entry_type, a.entry_id) for a in assignments])
        text_list = [texts.get((a.entry_type, a.entry_id), "") for a in assignments]
        by_part = {p.split_part: c for p, c in children.items()}
        biggest = children[max(parts, key=lambda p: len(old_members.get(p.id, ())))]
        chosen = split_parts(model, text_list, by_part, biggest)
        route_mentions(run.id, target, partial(split_parts, model, parts=by_part, fallback=biggest))
        for assignment, text, child in zip(assignments, text_list, chosen, strict=True):
            assignment.theme_id = child.id
            assignment.terms = matching_terms(text, child.keywords)
            new_members[child.id].add(assignment.key)
        for part, child in children.items():  # the team's quotes that are still its members
            child.representatives = [
                r for r in part.representatives if f"{r[0]}:{r[1]}" in new_members[child.id]
            ]
        owner.pop(target, None)
        new_members[target] = set()
        labels.append(parent.label)
    return labels


def _split_along(theme: RunTheme, parent: RunTheme, parts: list[RunTheme]) -> dict:
    """Split `theme` of the new run as `parent` was: one new part for each of the team's."""
    theme.split, theme.split_model_file = True, parent.split_model_file
    children = {
        part: _again(theme.run, part, parent_id=theme.id, split_part=part.split_part)
        for part in sorted(parts, key=lambda p: p.split_part or 0)
    }
    db.session.flush()
    return children


def _again(run: AnalysisRun, before: RunTheme, **fields) -> RunTheme:
    """A new theme of `run` made after a previous run's theme (numbered after the others)."""
    number = db.session.scalar(select(func.max(RunTheme.number)).where(RunTheme.run_id == run.id))
    theme = RunTheme(
        run=run,
        number=(number or 0) + 1,
        label=before.label,
        found_label=before.found_label,
        keywords=list(before.keywords),
        representatives=[],
        framework=before.framework,
        is_new=before.is_new,
        **fields,
    )
    db.session.add(theme)
    db.session.flush()
    return theme


def _persisting(old, old_members, new, new_members, owner) -> dict[int, int]:
    """Previous theme id -> the new theme that continues it."""
    successor = {}
    for o in old:
        owned = [n for n, oo in owner.items() if oo == o and new[n].visible]
        if not owned:
            continue
        best = max(owned, key=lambda n: _jaccard(new_members[n], old_members.get(o, set())))
        overlap = _jaccard(new_members[best], old_members.get(o, set()))
        if overlap >= PERSIST_JACCARD or len(owned) == 1:
            successor[o] = best
            _continue(old[o], new[best])
    return successor


def _continue(before: RunTheme, after: RunTheme) -> None:
    after.carried_from_id = before.id
    if before.renamed:
        after.label, after.renamed = before.label, True
    for mapping in before.mappings:
        if mapping.confirmed_at is not None:
            give_mapping(after, mapping)


def _entries(previous, run, successor) -> tuple[int, int, set[int]]:
    """Moved entries stay moved; entries not relevant stay so. Returns how many of each, and
    the new run's themes whose entries changed."""
    edited = db.session.execute(
        select(
            ThemeAssignment.entry_type,
            ThemeAssignment.entry_id,
            ThemeAssignment.theme_id,
            ThemeAssignment.moved_by_team,
            ThemeAssignment.not_relevant,
        ).where(
            ThemeAssignment.run_id == previous.id,
            (ThemeAssignment.moved_by_team.is_(True)) | (ThemeAssignment.not_relevant.is_(True)),
        )
    ).all()
    current = {}
    ids = sorted({e[1] for e in edited})
    for start in range(0, len(ids), 500):
        query = select(ThemeAssignment).where(
            ThemeAssignment.run_id == run.id, ThemeAssignment.entry_id.in_(ids[start : start + 500])
        )
        current.update({(a.entry_type, a.entry_id): a for a in db.session.scalars(query)})
    moved = dropped = 0
    touched: set[int] = set()
    for entry_type, entry_id, theme_id, was_moved, not_relevant in edited:
        assignment = current.get((entry_type, entry_id))
        if assignment is None:
            continue  # no longer published
        if was_moved:
            target = successor.get(theme_id) or _remake(run, theme_id, successor)
            if assignment.theme_id != target:
                touched |= {assignment.theme_id, target}
            assignment.theme_id, assignment.moved_by_team = target, True
            moved += 1
        if not_relevant:
            assignment.not_relevant = True
            touched.add(assignment.theme_id)
            dropped += 1
    return moved, dropped, touched


def _remake(run: AnalysisRun, old_theme_id: int, successor: dict[int, int]) -> int:
    """The team's theme, made again in the new run for the entries they moved into it."""
    before = db.session.get(RunTheme, old_theme_id)
    theme = _again(run, before, renamed=before.renamed, carried_from_id=before.id)
    successor[old_theme_id] = theme.id
    _continue(before, theme)
    return theme.id
