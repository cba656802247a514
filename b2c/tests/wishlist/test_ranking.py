"""Favourite airlines rank a signed-in customer's results among offers of equal price."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from b2c.selectors.wishlist import favorite_airline_scores, offers_ranked_for
from b2c.services.wishlist import favourite_airline_set
from b2c.tests.wishlist.helpers import DEPARTURE, NOW
from core.testing.inventory import airport, flight_with_fare
from flights.search import Passengers, SearchQuery, flight_search

pytestmark = pytest.mark.django_db

SEARCH = reverse("flights:search")
PARAMS = {"origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10"}


@pytest.fixture
def inventory(db):
    # EK is shorter, so it comes first among equal prices for everyone without a preference.
    flight_with_fare("DXB", "LHR", DEPARTURE, code="EK", number=1, minutes=400)
    flight_with_fare("DXB", "LHR", DEPARTURE + dt.timedelta(hours=1), code="BA", number=2,
                     minutes=460)  # fmt: skip
    flight_with_fare("DXB", "LHR", DEPARTURE + dt.timedelta(hours=2), code="EK", number=3,
                     base="300.00")  # fmt: skip


def search():
    query = SearchQuery(
        origin=airport("DXB"), destination=airport("LHR"),
        departure_date=dt.date(2030, 3, 10), passengers=Passengers(1, 0, 0),
    )  # fmt: skip
    return flight_search(query)


def designators(offers):
    return [o.journeys[0].legs[0].designator for o in offers]


@freeze_time(NOW)
def test_equal_prices_rank_by_score_and_nothing_else_moves(inventory):
    offers = search()
    assert designators(offers) == ["EK3", "EK1", "BA2"]
    assert [o.total for o in offers] == [Decimal("400.00"), Decimal("500.00"), Decimal("500.00")]

    assert designators(offers_ranked_for(offers, {"BA": 2})) == ["EK3", "BA2", "EK1"]
    # Equal scores keep the search's order; an unscored airline counts as 0.
    assert designators(offers_ranked_for(offers, {"BA": 2, "EK": 2})) == ["EK3", "EK1", "BA2"]
    assert designators(offers_ranked_for(offers, {"EK": 1})) == ["EK3", "EK1", "BA2"]
    assert designators(offers_ranked_for(offers, {})) == ["EK3", "EK1", "BA2"]
    # A favourite never beats a lower price.
    assert designators(offers_ranked_for(offers, {"BA": 5, "EK": 1})) == ["EK3", "BA2", "EK1"]


def test_scores_are_the_customers_own(customer, other_customer, airline):
    flight_with_fare("DXB", "LHR", DEPARTURE, code="BA")
    favourite_airline_set(customer=customer, airline_code="BA", score=4)
    favourite_airline_set(customer=other_customer, airline_code="EK", score=5)

    assert favorite_airline_scores(customer=customer) == {"BA": 4}
    assert favorite_airline_scores(user=customer.user) == {"BA": 4}


def titles(response) -> list[str]:
    """The flight numbers of the offers, in the order the page shows them."""
    html = response.content.decode()
    return sorted(("EK1", "BA2", "EK3"), key=lambda code: html.index(f">{code}<"))


@freeze_time(NOW)
def test_the_search_page_ranks_a_customers_favourites(inventory, customer, client):
    favourite_airline_set(customer=customer, airline_code="BA", score=3)
    client.force_login(customer.user)  # in 2030, when a login of today has expired
    customer_client = client

    mine = customer_client.get(SEARCH, PARAMS)
    assert mine.status_code == 200
    assert titles(mine) == ["EK3", "BA2", "EK1"]

    # Sorted by something else, the favourites do not reorder anything.
    by_duration = customer_client.get(SEARCH, {**PARAMS, "sort": "duration"})
    assert titles(by_duration) == ["EK1", "EK3", "BA2"]
    assert "Save trip" in mine.content.decode()

    customer_client.logout()
    visitor = client.get(SEARCH, PARAMS)
    assert titles(visitor) == ["EK3", "EK1", "BA2"]
    assert "Save trip" not in visitor.content.decode()
