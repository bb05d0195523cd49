"""Generation numbers (api.core.response_cache.generations): when a write invalidates cached answers."""

import pytest
from django.core.cache import cache
from django.db import transaction

from api.core.response_cache import generations

pytestmark = pytest.mark.django_db(transaction=True)  # real commits and rollbacks


def number(name="things") -> int:
    generations.current((name,))
    return cache.get(generations.PREFIX + name)


def test_a_new_cache_starts_from_the_clock_not_from_zero():
    # After a memcached restart an old answer's key must not come back: numbers never restart low.
    assert number() > 10**18


def test_outside_a_transaction_a_bump_is_immediate():
    before = number()
    generations.bump("things")
    assert number() == before + 1


def test_a_transaction_bumps_once_after_commit_whatever_it_wrote():
    before = number()
    with transaction.atomic():
        for _ in range(100):
            generations.bump("things", "others")
        assert cache.get(generations.PREFIX + "things") == before  # other readers: not before commit
    assert number() == before + 1


def test_a_transaction_reading_after_its_own_write_gets_a_new_number_each_time():
    before = number()
    with transaction.atomic():
        generations.bump("things")
        assert number() == before + 1
        assert number() == before + 1  # no new write: the same key
        generations.bump("things")
        assert number() == before + 2
    assert number() == before + 3  # and once more on commit, for readers who cached pre-commit data


def test_a_rolled_back_transaction_bumps_nothing():
    before = number()
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.bump("things")
        raise RuntimeError("the write failed")
    assert number() == before


def test_a_bump_after_a_rolled_back_savepoint_still_counts():
    before = number()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            generations.bump("things")  # registers the commit callback inside the savepoint
            raise RuntimeError
        generations.bump("things")  # the savepoint's callback is gone: a new one is needed
    assert number() == before + 1


def test_only_the_named_resources_move():
    things, others = number("things"), number("others")
    generations.bump("things")
    assert (number("things"), number("others")) == (things + 1, others)
