import datetime as dt
from decimal import Decimal

import pytest

from b2c.selectors.reviews import (
    review_aggregate,
    review_aggregates_for,
    review_average,
    review_distribution,
    review_get_own,
    review_voted_ids,
    reviewable_bookings,
    reviews_of_customer,
    reviews_published,
)
from b2c.services.reviews import (
    ReviewNotFound,
    review_create,
    review_respond,
    review_vote_toggle,
)
from b2c.tests.reviews.helpers import GOOD_TEXT, completed_booking, png
from bookings.models import Booking
from core.testing.factories import CustomerFactory
from core.testing.inventory import airline, airport

pytestmark = pytest.mark.django_db

KEY = "flight:EK:DXB-LHR"


@pytest.fixture(autouse=True)
def route(db):
    airline("EK")
    airline("BA")
    for code in ("DXB", "LHR", "SHJ"):
        airport(code)


def write(customer=None, *, rating=4, day=5, text=GOOD_TEXT, code="EK", destination="LHR", **kw):
    return review_create(
        customer=customer or CustomerFactory(),
        subject_kind="flight",
        airline_code=code,
        origin="DXB",
        destination=destination,
        travel_date=dt.date(2026, 1, day),
        rating=rating,
        title=f"Flight on day {day}",
        text=text,
        **kw,
    )


def render(reviews):
    """What the review list shows of each review."""
    from b2c.selectors.customer import customer_public_name

    return [
        (
            customer_public_name(customer=review.customer),
            review.airline.iata_code,
            review.origin.iata_code,
            review.destination.iata_code,
            getattr(getattr(review, "response", None), "text", None),
            [image.thumbnail.name for image in review.images.all()],
        )
        for review in reviews
    ]


def test_sorting_and_filters(customer):
    a = write(rating=5, day=1)
    b = write(rating=2, day=2)
    c = write(rating=4, day=3)
    held = write(rating=5, day=4, text="short")
    other_route = write(rating=3, day=6, destination="SHJ")
    other_airline = write(rating=1, day=7, code="BA")
    review_vote_toggle(customer=customer, review_id=b.pk)

    def ids(**kwargs):
        return [review.pk for review in reviews_published(**kwargs)]

    assert ids(subject_key=KEY) == [c.pk, b.pk, a.pk]
    assert ids(subject_key=KEY, sort="helpful") == [b.pk, c.pk, a.pk]
    assert ids(subject_key=KEY, sort="highest") == [a.pk, c.pk, b.pk]
    assert ids(subject_key=KEY, sort="lowest") == [b.pk, c.pk, a.pk]
    assert ids(subject_key=KEY, sort="bogus") == [c.pk, b.pk, a.pk]
    assert ids(subject_key=KEY, rating=4) == [c.pk]
    assert ids(subject_key=KEY, rating="5") == [a.pk]
    assert ids(subject_key=KEY, rating=9) == []
    assert ids(airline_code="ek") == [other_route.pk, c.pk, b.pk, a.pk]
    assert ids() == [other_airline.pk, other_route.pk, c.pk, b.pk, a.pk]
    assert held.pk not in ids(subject_key=KEY)


def test_review_list_queries_do_not_grow(django_assert_num_queries, staff):
    def add(count, start):
        for day in range(start, start + count):
            review = write(day=day, images=[png(8, 8)])
            review_respond(staff_user=staff, review_id=review.pk, text="Thanks")

    add(2, 1)
    with django_assert_num_queries(2):
        small = render(reviews_published(subject_key=KEY))
    add(5, 3)
    with django_assert_num_queries(2):
        large = render(reviews_published(subject_key=KEY))
    assert (len(small), len(large)) == (2, 7)
    assert large[0][4] == "Thanks"
    assert len(large[0][5]) == 1


def test_customer_reviews_queries_do_not_grow(customer, django_assert_num_queries):
    write(customer, day=1)
    with django_assert_num_queries(2):
        assert len(render(reviews_of_customer(customer=customer))) == 1
    for day in range(2, 6):
        write(customer, day=day, text="short")  # held ones are listed too
    write(day=9)  # someone else's
    with django_assert_num_queries(2):
        assert len(render(reviews_of_customer(customer=customer))) == 5


def test_aggregates(django_assert_num_queries):
    write(rating=5, day=1)
    write(rating=4, day=2)
    write(rating=4, day=3)
    write(rating=2, day=4, destination="SHJ")

    aggregate = review_aggregate(subject_key=KEY)
    assert review_average(aggregate=aggregate) == Decimal("4.3")
    assert review_distribution(aggregate=aggregate) == {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}
    assert review_aggregate(subject_key="flight:EK:LHR-DXB") is None
    assert review_average(aggregate=None) is None

    with django_assert_num_queries(1):
        found = review_aggregates_for(
            subject_keys=[KEY, "flight:EK:DXB-SHJ", "airline:EK", "flight:BA:DXB-LHR"]
        )
    assert {key: (a.review_count, a.rating_total) for key, a in found.items()} == {
        KEY: (3, 13),
        "flight:EK:DXB-SHJ": (1, 2),
        "airline:EK": (4, 15),
    }
    with django_assert_num_queries(0):
        assert review_aggregates_for(subject_keys=[]) == {}


def test_get_own(customer, other_customer):
    review = write(customer)
    assert review_get_own(customer=customer, review_id=review.pk) == review
    with pytest.raises(ReviewNotFound):
        review_get_own(customer=other_customer, review_id=review.pk)
    with pytest.raises(ReviewNotFound):
        review_get_own(customer=customer, review_id="nope")


def test_reviewable_bookings(customer, other_customer, django_assert_num_queries):
    done = completed_booking(customer)
    completed_booking(customer, completed=False)
    completed_booking(other_customer)

    def shown():
        with django_assert_num_queries(2):
            return [
                (booking.pk, [(f.airline.iata_code, f.origin.iata_code, f.destination.iata_code)
                              for f in flights])
                for booking, flights in reviewable_bookings(customer=customer)
            ]  # fmt: skip

    assert shown() == [(done.pk, [("EK", "DXB", "LHR")])]
    later = completed_booking(customer, code="BA", destination="SHJ")
    Booking.objects.filter(pk=later.pk).update(completed_at=done.completed_at + dt.timedelta(1))
    assert shown() == [(later.pk, [("BA", "DXB", "SHJ")]), (done.pk, [("EK", "DXB", "LHR")])]


def test_voted_ids(customer, django_assert_num_queries):
    a, b, c = write(day=1), write(day=2), write(day=3)
    review_vote_toggle(customer=customer, review_id=a.pk)
    review_vote_toggle(customer=customer, review_id=c.pk)
    with django_assert_num_queries(1):
        assert review_voted_ids(customer=customer, review_ids=[a.pk, b.pk, c.pk]) == {a.pk, c.pk}
    with django_assert_num_queries(0):
        assert review_voted_ids(customer=customer, review_ids=[]) == set()
