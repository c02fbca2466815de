"""The draft strategy's side-by-side comparison of two published versions, and the form that
chooses them."""

from flask import abort, redirect, request, url_for

from engage.models import CHANGE_KINDS, VERSION_STATUSES
from engage.public import bp
from engage.public.strategy import _render, _strategy_or_404
from engage.public.strategy_forms import CompareForm
from engage.services.strategy import get_version, previous_version, public_versions
from engage.services.strategy_diff import compare_versions


@bp.get("/consultations/<slug>/strategy/compare")
def strategy_compare(slug):
    """Two versions side by side: what each priority said before and after."""
    _consultation, strategy = _strategy_or_404(slug)
    versions = public_versions(strategy)
    if len(versions) < 2:
        abort(404)
    form = _compare_form(versions)
    if not form.validate():
        return _render("compare_choose.html", strategy, form=form), 400
    older, newer = int(form.older.data), int(form.newer.data)
    if older > newer:  # asked the other way round: the same comparison
        here = {"from": newer, "to": older}
        return redirect(url_for("public.strategy_compare", slug=slug, **here))
    old, new = get_version(strategy, older), get_version(strategy, newer)
    # Reasons are recorded against the version revised from, so show them only for that pair.
    recorded = {c.key: c for c in new.changes} if previous_version(new) is old else {}
    return _render(
        "compare.html",
        strategy,
        form=form,
        old=old,
        new=new,
        comparisons=compare_versions(old, new),
        recorded=recorded,
        kinds=CHANGE_KINDS,
    )


def _compare_form(versions) -> CompareForm:
    """The versions asked for in the address; with none asked for, the latest two."""
    if "from" in request.args or "to" in request.args:
        form = CompareForm(request.args)
    else:
        latest = {"older": str(versions[-2].number), "newer": str(versions[-1].number)}
        form = CompareForm(formdata=None, data=latest)
    form.set_versions(versions, VERSION_STATUSES)
    return form
