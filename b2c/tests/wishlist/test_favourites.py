"""Favourite destinations (with notes) and airlines (scored 1 to 5)."""

import pytest

from b2c.models import FavoriteAirline, FavoriteDestination
from b2c.services import wishlist as services
from b2c.services.wishlist import (
    WishlistNotFound,
    favourite_airline_remove,
    favourite_airline_set,
    favourite_destination_add,
    favourite_destination_remove,
    favourite_destination_update,
)
from b2c.tests.wishlist.helpers import airports, snapshot
from core.exceptions import ApplicationError
from core.testing.inventory import airline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(db):
    airports()
    airline("EK")
    airline("BA")


def refused(call, field, message=None):
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        call()
    assert field in caught.value.extra
    if message:
        assert caught.value.message == message
    assert snapshot() == before


def test_destinations_add_update_remove(customer):
    favourite = favourite_destination_add(customer=customer, airport_code="lhr", notes=" Tea ")
    assert (favourite.airport.iata_code, favourite.notes) == ("LHR", "Tea")

    again = favourite_destination_add(customer=customer, airport_code="LHR", notes="Museums")
    assert again.pk == favourite.pk
    assert FavoriteDestination.objects.get().notes == "Museums"

    favourite_destination_update(customer=customer, favourite_id=favourite.pk, notes="")
    assert FavoriteDestination.objects.get().notes == ""

    favourite_destination_remove(customer=customer, favourite_id=favourite.pk)
    assert not FavoriteDestination.objects.exists()


def test_bad_destinations_are_refused(customer, monkeypatch):
    refused(
        lambda: favourite_destination_add(customer=customer, airport_code="QQQ"),
        "airport",
        "No airport has the code “QQQ”.",
    )
    refused(
        lambda: favourite_destination_add(customer=customer, airport_code="DXB", notes="x" * 301),
        "notes",
    )
    monkeypatch.setattr(services, "MAX_FAVOURITES", 1)
    favourite_destination_add(customer=customer, airport_code="DXB")
    refused(lambda: favourite_destination_add(customer=customer, airport_code="LHR"), "airport")


def test_airline_scores_are_set_and_replaced(customer):
    favourite = favourite_airline_set(customer=customer, airline_code="ek", score=4)
    assert (favourite.airline.iata_code, favourite.score) == ("EK", 4)

    favourite_airline_set(customer=customer, airline_code="EK", score=5)
    assert list(FavoriteAirline.objects.values_list("airline__iata_code", "score")) == [("EK", 5)]

    favourite_airline_remove(customer=customer, favourite_id=favourite.pk)
    assert not FavoriteAirline.objects.exists()


@pytest.mark.parametrize("score", [0, 6, -1, True, "3", 2.5])
def test_a_score_is_one_to_five(customer, score):
    refused(
        lambda: favourite_airline_set(customer=customer, airline_code="EK", score=score),
        "score",
        "Score the airline from 1 to 5.",
    )


def test_an_unknown_airline_is_refused(customer):
    refused(
        lambda: favourite_airline_set(customer=customer, airline_code="ZZ", score=3),
        "airline",
        "No airline has the code “ZZ”.",
    )


def test_someone_elses_favourites_are_not_found(customer, other_customer):
    destination = favourite_destination_add(customer=other_customer, airport_code="DXB")
    carrier = favourite_airline_set(customer=other_customer, airline_code="EK", score=3)
    before = snapshot()
    for call in (
        lambda: favourite_destination_remove(customer=customer, favourite_id=destination.pk),
        lambda: favourite_destination_update(
            customer=customer, favourite_id=destination.pk, notes="mine"
        ),
        lambda: favourite_airline_remove(customer=customer, favourite_id=carrier.pk),
    ):
        with pytest.raises(WishlistNotFound):
            call()
    assert snapshot() == before
