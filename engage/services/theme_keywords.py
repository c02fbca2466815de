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
"""

from collections.abc import Iterable

from sqlalchemy import select

from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment
from engage.services.analysis_runs import load_model, matching_terms
from engage.services.workspace_entries import texts_of

MAX_LABEL = 200


def describe_from_members(run: AnalysisRun, theme_ids: Iterable[int]) -> list[RunTheme]:
    """Recompute the keywords (and analysis label) of the given themes from their entries;
    returns the themes changed. Nothing changes when the run's model is no longer stored."""
    wanted = {i for i in theme_ids if i is not None}
    model = load_model(run.model_file) if wanted else None
    if model is None:
        return []
    themes = [t for t in run.themes if t.visible]
    index = {t.id: j for j, t in enumerate(themes)}
    rows = db.session.scalars(
        select(ThemeAssignment).where(
            ThemeAssignment.run_id == run.id, ThemeAssignment.not_relevant.is_(False)
        )
    ).all()
    rows = [a for a in rows if a.theme_id in index]
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
            continue  # no entries left, or none with usable words: keep what it had
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
    return changed
