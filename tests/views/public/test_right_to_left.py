"""Residents write in Arabic, Urdu, Hebrew or Persian as well as English. What they wrote is shown
with its own direction (dir="auto" on a block of it, <bdi dir="auto"> inside a sentence, the
Unicode isolates in a plain-text message), so a right-to-left
wish reads from the right with its punctuation where its writer put it, not as part of the
page's left-to-right English."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from engage.extensions import db
from engage.models import Wish
from engage.models._types import utcnow
from engage.services.strategy import get_priority_in
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import publish, record_change, start_revision
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry
from tests.strategy_factories import make_comment, make_strategy

ARABIC = "مزيد من الحافلات في المساء!"
URDU = "پارک میں مزید درخت؟"
HEBREW = "צלם: דנה כהן"


_INLINE = {"a", "abbr", "b", "bdi", "bdo", "em", "i", "q", "span", "strong"}
_VOID = {"area", "br", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Holders(HTMLParser):
    """Each time a text shows, the elements it is in, outermost first."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text, self.open, self.found = text, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        at = max((i for i, (name, _) in enumerate(self.open) if name == tag), default=None)
        if at is not None:
            del self.open[at:]

    def handle_data(self, data):
        if self.text in data:
            self.found.append(list(self.open))


def blocks_holding(html: str, text: str) -> list[tuple[str, dict, list]]:
    """Where text shows on the page: each time, the block element holding it (its tag and
    attributes) and the inline elements between them (tag and attributes)."""
    parser = _Holders(text)
    parser.feed(html)
    found = []
    for stack in parser.found:
        if any("govuk-visually-hidden" in attrs.get("class", "") for _, attrs in stack):
            continue  # read out, not seen: a link's hidden words
        at = max(i for i, (tag, _) in enumerate(stack) if tag not in _INLINE)
        found.append((*stack[at], stack[at + 1 :]))
    return found


def assert_own_block(html: str, text: str, count: int = 1) -> None:
    """text shows count times, each in a block with dir="auto" that takes its direction from it,
    so a right-to-left quote lines up on the right of its box."""
    found = blocks_holding(html, text)
    assert len(found) == count, found
    for tag, attrs, between in found:
        assert attrs.get("dir") == "auto", f"<{tag} {attrs}> holds {text!r} without dir=auto"
        # dir="auto" reads past a <bdi>, and anything with a dir of its own, for its direction.
        assert all(tag not in ("bdi", "bdo") and "dir" not in a for tag, a in between), between


@pytest.fixture
def consultation(app):
    consultation = make_consultation(slug="derby")
    make_wish(consultation, text=ARABIC)
    db.session.commit()
    return consultation


def test_a_wish_on_the_wall_and_its_report_page_keep_their_direction(client, consultation):
    wall = client.get("/consultations/derby/wall").text
    assert f'dir="auto">{ARABIC}</p>' in wall
    wish = db.session.query(Wish).one()
    report = client.get(f"/consultations/derby/wishes/{wish.id}/report").text
    assert f'dir="auto">{ARABIC}</div>' in report


def test_comments_on_a_priority_keep_their_direction(client, consultation):
    strategy = make_strategy(consultation)
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    make_comment(priority, text=URDU)
    db.session.commit()
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert f'dir="auto">{URDU}</p>' in page


def test_a_photo_title_wish_and_credit_keep_their_direction(client, consultation):
    competition = make_competition(consultation, slug="pics")
    entry = make_photo_entry(competition, title=URDU, wish=ARABIC, entrant_name=HEBREW)
    db.session.commit()
    gallery = client.get("/competitions/pics/gallery").text
    page = client.get(f"/competitions/pics/photos/{entry.id}").text
    assert_own_block(gallery, URDU)  # the title
    assert_own_block(gallery, ARABIC)  # the wish
    assert f'<bdi dir="auto">{HEBREW}</bdi>' in gallery  # a credit, inside "By …"
    assert f'dir="auto">{URDU}</h1>' in page and f'dir="auto">{ARABIC}</p>' in page
    assert f'<bdi dir="auto">{HEBREW}</bdi>' in page
    report = client.get(f"/competitions/pics/photos/{entry.id}/report").text
    for html in (gallery, page, report):
        assert "<bdi>" not in html
        assert all('dir="auto"' in img for img in re.findall(r"<img [^>]*>", html))


def test_each_resident_quote_is_a_block_that_takes_its_direction_from_it(client, consultation):
    strategy = make_strategy(consultation, published=False)
    wish = db.session.query(Wish).one()
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    cite_wishes(priority, [wish])
    publish(strategy.versions[0], "consultation")
    comment = make_comment(priority, text=URDU)
    revision = start_revision(strategy)
    get_priority_in(revision, priority.key).statement = "Brighter paths, all night."
    record_change(
        revision,
        priority.key,
        kind="reworded",
        reason="Lights.",
        user=None,
        comment_ids=[comment.id],
        wish_ids=[wish.id],
    )
    publish(revision, "consultation")
    make_photo_entry(make_competition(consultation, slug="pics"), title=HEBREW, wish=URDU)
    db.session.commit()
    assert_own_block(client.get("/consultations/derby/wall").text, ARABIC)
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert_own_block(page, URDU)  # the comment
    assert_own_block(page, ARABIC)  # the wish it cites
    you_said = client.get("/consultations/derby/strategy/you-said-we-did").text
    assert_own_block(you_said, URDU, count=2)  # a quote, and what led to the change
    assert_own_block(you_said, ARABIC)
    gallery = client.get("/competitions/pics/gallery").text
    assert_own_block(gallery, HEBREW)  # the photo's title
    assert_own_block(gallery, URDU)  # the wish it shows
    assert "<bdi>" not in page + you_said + gallery


def test_what_was_typed_and_not_saved_keeps_its_direction(client, consultation):
    fields = hidden_fields(client.get("/consultations/derby/wishes/new").text)
    consultation.closes_at = utcnow() - timedelta(minutes=1)  # closed while they typed
    db.session.commit()
    page = client.post("/consultations/derby/wishes/new", data={**fields, "wish_1": URDU})
    assert page.status_code == 403
    assert re.search(rf'<textarea [^>]*readonly dir="auto">{URDU}</textarea>', page.text)


def test_the_vote_message_isolates_a_right_to_left_title(client, consultation):
    competition = make_competition(consultation, slug="pics")
    entry = make_photo_entry(competition, title=URDU)
    db.session.commit()
    page = client.get(f"/competitions/pics/photos/{entry.id}")
    voted = client.post(f"/competitions/pics/photos/{entry.id}/vote", data=hidden_fields(page.text))
    banner = client.get(voted.location).text
    assert f"your vote for “\u2068{URDU}\u2069” is counted" in banner


def _box(page: str, name: str) -> str:
    """The opening tag of the text box called name."""
    return re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', page).group(0)


def test_the_boxes_residents_type_in_follow_the_direction_of_what_they_type(client, consultation):
    form = client.get("/consultations/derby/wishes/new").text
    for name in ("wish_1", "wish_2", "wish_3"):
        assert 'dir="auto"' in _box(form, name)
    make_competition(consultation, slug="pics")
    db.session.commit()
    enter = client.get("/competitions/pics/enter").text
    for name in ("title", "wish", "alt_text", "description", "entrant_name"):
        assert 'dir="auto"' in _box(enter, name)
