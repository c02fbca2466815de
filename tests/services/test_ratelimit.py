import pytest

from engage.errors import RateLimited
from engage.extensions import db
from engage.services import ratelimit


def test_allows_up_to_the_limit_then_refuses(app):
    for _ in range(3):
        ratelimit.hit("k", limit=3, window=60, now=1200.0)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("k", limit=3, window=60, now=1210.0)
    assert refused.value.retry_after == 50
    db.session.commit()


def test_windows_and_keys_are_separate(app):
    for _ in range(3):
        ratelimit.hit("a", limit=3, window=60, now=1200.0)
    ratelimit.hit("b", limit=3, window=60, now=1200.0)
    ratelimit.hit("a", limit=3, window=60, now=1280.0)  # a new window: allowed again
    assert ratelimit.prune(before=1250) == 2


def test_zero_turns_it_off(app):
    for _ in range(100):
        ratelimit.hit("k", limit=0, window=60)
