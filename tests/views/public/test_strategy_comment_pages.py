"""A priority with many published comments shows them a page at a time (oldest first), with the
counts by view for all of them and links to the other pages; a page past the last sends the
resident to the last page, and a page before the first is not found."""

import pytest

from engage.extensions import db
from engage.models import Comment, ModerationStatus
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


def _published(url):
    priority_id = int(url.rsplit("/", 1)[1])
    query = db.select(Comment).where(
        Comment.priority_id == priority_id, Comment.status == ModerationStatus.APPROVED
    )
    return list(db.session.scalars(query.order_by(Comment.id)))


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


@pytest.mark.parametrize("number", [4, 16, 99999999999999999999])
def test_a_page_past_the_last_shows_the_last_page(client, app, number):
    url = _busy_priority(COMMENTS_PER_PAGE * 2 + 5)
    page = client.get(f"{url}?page={number}")
    assert page.status_code == 302 and page.location == f"{url}?page=3#comments"
    last = client.get(page.location)
    assert last.status_code == 200 and "(comments, page 3 of 3)" in last.text
    assert "Comment number 0105 here" in last.text and "Comment number 0100 here" not in last.text


def test_a_page_gone_since_the_comments_were_taken_down_shows_the_last_page(client, app):
    """A link kept open to page 2 after moderators took comments down leaves one page."""
    url = _busy_priority(COMMENTS_PER_PAGE + 5)
    for comment in _published(url)[COMMENTS_PER_PAGE - 3 :]:
        comment.status = ModerationStatus.REJECTED
    db.session.commit()
    page = client.get(f"{url}?page=2")
    assert page.status_code == 302 and page.location == f"{url}#comments"
    first = client.get(page.location).text
    assert "Comment number 0047 here" in first and "Comment number 0048 here" not in first


def test_comment_pages_of_a_priority_with_none_go_to_the_first(client, app):
    url = _busy_priority(0)
    page = client.get(f"{url}?page=2")
    assert page.status_code == 302 and page.location == f"{url}#comments"
    assert client.get(page.location).status_code == 200


@pytest.mark.parametrize("number", [0, -5])
def test_a_page_before_the_first_is_not_found(client, app, number):
    url = _busy_priority(COMMENTS_PER_PAGE * 2 + 5)
    page = client.get(f"{url}?page={number}")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "Comment number" not in page.text


def test_a_few_comments_need_no_pages(client, app):
    url = _busy_priority(3)
    page = client.get(url).text
    assert "Comment number 0003 here" in page
    assert "govuk-pagination" not in page and "oldest first." not in page
