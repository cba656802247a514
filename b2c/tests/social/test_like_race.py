"""Thirty customers like one story at the same moment: the count equals the rows."""

import pytest

from b2c.models import StoryLike
from b2c.services.social import story_like_toggle
from b2c.tests.social.helpers import story
from core.testing.concurrency import race
from core.testing.factories import CustomerFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_likes_at_once_count_thirty():
    made = story(CustomerFactory())
    customers = [CustomerFactory() for _ in range(30)]

    outcomes, errors = race(
        30, lambda i: story_like_toggle(customer=customers[i], story_id=made.pk)
    )

    assert errors == []
    assert sorted(count for _, count in outcomes) == list(range(1, 31))
    made.refresh_from_db()
    assert made.like_count == 30
    assert StoryLike.objects.filter(story=made).count() == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_customer_toggling_at_once_keeps_count_equal_to_rows():
    made = story(CustomerFactory())
    fan = CustomerFactory()

    outcomes, errors = race(10, lambda i: story_like_toggle(customer=fan, story_id=made.pk))

    assert errors == []
    assert sorted(liked for liked, _ in outcomes) == [False] * 5 + [True] * 5
    made.refresh_from_db()
    assert made.like_count == 0
    assert StoryLike.objects.filter(story=made).count() == 0
