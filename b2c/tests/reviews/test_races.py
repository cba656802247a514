"""Concurrent votes, reviews and reports on PostgreSQL: counters equal the rows."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from b2c.models import ContentReport, Customer, Review, ReviewVote
from b2c.services.reports import content_report
from b2c.services.reviews import review_create, review_vote_toggle
from b2c.tests.reviews.helpers import GOOD_TEXT, aggregates
from core.testing.concurrency import race
from core.testing.factories import CustomerFactory
from core.testing.inventory import airline, airport

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def write(customer, *, rating=4):
    return review_create(
        customer=customer,
        subject_kind="flight",
        airline_code="EK",
        origin="DXB",
        destination="LHR",
        travel_date=dt.date(2026, 1, 5),
        rating=rating,
        title="Smooth night flight",
        text=GOOD_TEXT,
    )


@pytest.fixture
def review(db):
    airline("EK")
    airport("DXB")
    airport("LHR")
    return write(CustomerFactory())


def test_30_customers_vote_at_once(review):
    voters = [CustomerFactory() for _ in range(30)]

    outcomes, errors = race(
        30,
        lambda index: review_vote_toggle(
            customer=Customer.objects.get(pk=voters[index].pk), review_id=review.pk
        ),
    )

    assert errors == []
    assert sorted(count for _voted, count in outcomes) == list(range(1, 31))
    assert all(voted is True for voted, _count in outcomes)
    assert Review.objects.get(pk=review.pk).helpful_count == 30
    assert ReviewVote.objects.filter(review=review).count() == 30


def test_20_concurrent_toggles_by_one_customer(review):
    voter = CustomerFactory()

    outcomes, errors = race(
        20,
        lambda index: review_vote_toggle(
            customer=Customer.objects.get(pk=voter.pk), review_id=review.pk
        ),
    )

    assert errors == []
    assert len(outcomes) == 20
    rows = ReviewVote.objects.filter(review=review).count()
    assert rows == 0  # an even number of toggles, each seeing the one before
    assert Review.objects.get(pk=review.pk).helpful_count == rows
    # Serialised: the answers alternate voted / not voted.
    assert sorted(outcomes) == [(False, 0)] * 10 + [(True, 1)] * 10


def test_21_concurrent_toggles_leave_one_vote(review):
    voter = CustomerFactory()
    outcomes, errors = race(
        21,
        lambda index: review_vote_toggle(
            customer=Customer.objects.get(pk=voter.pk), review_id=review.pk
        ),
    )
    assert errors == []
    assert ReviewVote.objects.filter(review=review).count() == 1
    assert Review.objects.get(pk=review.pk).helpful_count == 1


def test_first_reviews_of_a_subject_at_once_count_exactly(db):
    airline("EK")
    airport("DXB")
    airport("LHR")
    authors = [CustomerFactory() for _ in range(20)]

    outcomes, errors = race(
        20,
        lambda index: write(Customer.objects.get(pk=authors[index].pk), rating=index % 5 + 1).pk,
    )

    assert errors == []
    assert Review.objects.filter(status="published").count() == 20
    assert aggregates() == {
        "flight:EK:DXB-LHR": (20, 60, 4, 4, 4, 4, 4),
        "airline:EK": (20, 60, 4, 4, 4, 4, 4),
    }


def test_the_same_trip_reviewed_twice_at_once_is_stored_once(db):
    airline("EK")
    airport("DXB")
    airport("LHR")
    author = CustomerFactory()

    outcomes, errors = race(10, lambda index: write(Customer.objects.get(pk=author.pk)).pk)

    assert errors == []
    assert outcomes.count("You have already reviewed this trip.") == 9
    assert Review.objects.count() == 1
    assert aggregates()["flight:EK:DXB-LHR"] == (1, 4, 0, 0, 0, 1, 0)


def test_concurrent_reports_by_one_customer_count_once(review):
    reporter = CustomerFactory()

    outcomes, errors = race(
        15,
        lambda index: (
            content_report(
                customer=Customer.objects.get(pk=reporter.pk), reason="spam", review_id=review.pk
            ).pk
        ),
    )

    assert errors == []
    assert len(set(outcomes)) == 1
    assert ContentReport.objects.count() == 1
    assert Review.objects.get(pk=review.pk).report_count == 1


def test_10_concurrent_helpful_posts_by_one_customer_end_voted(review):
    # POST means "helpful", however many arrive together: never toggled back to not voted.
    voter = CustomerFactory()
    url = f"/api/v1/reviews/{review.pk}/helpful/"

    def send(method):
        def request(index):
            client = APIClient()
            client.force_authenticate(voter.user)
            response = getattr(client, method)(url)
            return response.status_code, response.json()

        return request

    outcomes, errors = race(10, send("post"))

    assert errors == []
    assert outcomes == [(200, {"voted": True, "helpful_count": 1})] * 10
    assert ReviewVote.objects.filter(review=review).count() == 1
    assert Review.objects.get(pk=review.pk).helpful_count == 1

    outcomes, errors = race(10, send("delete"))

    assert errors == []
    assert outcomes == [(200, {"voted": False, "helpful_count": 0})] * 10
    assert ReviewVote.objects.filter(review=review).count() == 0
    assert Review.objects.get(pk=review.pk).helpful_count == 0
