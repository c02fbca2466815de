"""A theme's keywords, and its label unless the team named it, describe the entries it holds
now, not the ones the analysis first gave it.

After the team moves entries (in a run, or carried into the next run, where a theme may be
made again from moved entries alone) the analysis's description would otherwise stay on a
theme whose entries no longer fit it. The description is recomputed as the analysis makes
it (``ThemeModel.describe``): the terms that set each theme's entries apart from the others',
over the run's fitted vocabulary, as keywords and a label. The label the team sees
changes only where it is the analysis's: a name the team typed is kept, and so is the label of
a theme the team merged others into (they chose which name stands for the whole). The
analysis's own label (``found_label``) always follows the entries, and so do the keywords.

A theme the team empties (every entry moved out, or the rest marked not relevant) keeps its
label but no keywords or representative quotes, even when the model is no longer stored: the
pages and exports say it holds no entries rather than show the words of those that left.
"""

from collections.abc import Iterable

from sqlalchemy import select

from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment
from engage.services.analysis_runs import matching_terms
from engage.services.run_models import load_model
from engage.services.workspace_entries import texts_of

MAX_LABEL = 200


def describe_from_members(run: AnalysisRun, theme_ids: Iterable[int]) -> list[RunTheme]:
    """Recompute the keywords (and analysis label) of the given themes from their entries;
    returns the themes changed. A theme left with no relevant entries has no keywords or
    representative quotes; the others are described again only while the run's model is
    stored."""
    wanted = {i for i in theme_ids if i is not None}
    if not wanted:
        return []
    themes = [t for t in run.themes if t.visible]
    index = {t.id: j for j, t in enumerate(themes)}
    held = db.session.scalars(
        select(ThemeAssignment).where(
            ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id.in_(list(index))
        )
    ).all()
    emptied = _forget_what_left(themes, wanted, held)
    model = load_model(run.model_file)
    if model is None:
        db.session.flush()
        return emptied
    rows = [a for a in held if not a.not_relevant]
    texts = texts_of([(a.entry_type, a.entry_id) for a in rows])
    text_list = [texts.get((a.entry_type, a.entry_id), "") for a in rows]
    described = model.describe(text_list, [index[a.theme_id] for a in rows])
    merged_into = {t.merged_into_id for t in run.themes if t.merged_into_id}
    changed = []
    for theme in themes:
        j = index[theme.id]
        if theme.id not in wanted or theme.is_other or j >= len(described):
            continue
        label, keywords = described[j]
        if not keywords:
            continue  # none with usable words: keep what it had (an emptied theme has none)
        others = {t.label.lower() for t in themes if t.id != theme.id}
        if label.lower() in others:  # a name the team gave another theme
            label = f"{label} ({theme.number})"
        theme.keywords = keywords
        theme.found_label = label[:MAX_LABEL]
        if not (theme.renamed or theme.id in merged_into):
            theme.label = theme.found_label
        changed.append(theme)
    keywords_of = {t.id: t.keywords for t in changed}
    for a, text in zip(rows, text_list, strict=True):
        if a.theme_id in keywords_of:
            a.terms = matching_terms(text, keywords_of[a.theme_id])
    db.session.flush()
    return emptied + changed


def _forget_what_left(themes, wanted: set[int], held) -> list[RunTheme]:
    """The representative quotes of the given themes are relevant entries they still hold; a
    theme with no relevant entry left has no keywords either (its label stays, to name it).
    Returns the themes emptied."""
    members: dict[int, set[tuple[str, int]]] = {}
    for a in held:
        if not a.not_relevant:
            members.setdefault(a.theme_id, set()).add((a.entry_type, a.entry_id))
    relevant = set(members)
    emptied = []
    for theme in themes:
        if theme.id not in wanted:
            continue
        kept = members.get(theme.id, set())
        still = [r for r in theme.representatives if (r[0], r[1]) in kept]
        if still != theme.representatives:
            theme.representatives = still
        if theme.id not in relevant:
            theme.keywords, theme.representatives = [], []
            emptied.append(theme)
    return emptied
