"""A priority with many published comments shows them a page at a time (oldest first), with the
counts by view for all of them, links to the other pages, and a 404 for a page past the last."""

from engage.extensions import db
from engage.models import ModerationStatus
from engage.public.strategy import COMMENTS_PER_PAGE
from engage.services.strategy import get_priority_in
from tests.factories import make_consultation
from tests.strategy_factories import make_comment, make_strategy


def _busy_priority(n):
    strategy = make_strategy(make_consultation(slug="derby"))
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    for i in range(1, n + 1):
        make_comment(priority, f"Comment number {i:04d} here", "support" if i % 2 else "oppose")
    make_comment(priority, "Held back", "oppose", status=ModerationStatus.PENDING)
    db.session.commit()
    return f"/consultations/derby/strategy/priorities/{priority.id}"


def test_many_comments_come_a_page_at_a_time(client, app):
    total = COMMENTS_PER_PAGE * 2 + 5
    url = _busy_priority(total)
    first = client.get(url).text
    assert "Comment number 0001 here" in first
    assert f"Comment number {COMMENTS_PER_PAGE:04d} here" in first
    assert f"Comment number {COMMENTS_PER_PAGE + 1:04d} here" not in first
    assert f"Comments 1 to {COMMENTS_PER_PAGE} of {total}, oldest first." in first
    assert f'href="{url}?page=2#comments"' in first and f'href="{url}?page=3#comments"' in first
    counts = first[first.index('id="stance-counts"') :]
    cells = counts.split("govuk-table__cell--numeric")[1:3]
    assert [c[c.index(">") + 1 : c.index("<")].strip() for c in cells] == ["53", "0"]
    last = client.get(f"{url}?page=3")
    assert last.status_code == 200 and "Comment number 0105 here" in last.text
    assert "Comment number 0001 here" not in last.text and "Held back" not in last.text
    assert "(comments, page 3 of 3)" in last.text
    assert client.get(f"{url}?page=4").status_code == 404


def test_a_few_comments_need_no_pages(client, app):
    url = _busy_priority(3)
    page = client.get(url).text
    assert "Comment number 0003 here" in page
    assert "govuk-pagination" not in page and "oldest first." not in page
