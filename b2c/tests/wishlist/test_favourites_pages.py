"""/favourites/: destinations with notes, airlines with a score select."""

import re

import pytest
from django.urls import reverse

from b2c.models import FavoriteAirline, FavoriteDestination
from b2c.services.wishlist import favourite_airline_set, favourite_destination_add
from b2c.tests.wishlist.helpers import airports, snapshot
from core.testing.inventory import airline

pytestmark = pytest.mark.django_db

URL = reverse("b2c:favourites")


@pytest.fixture(autouse=True)
def _reference(db):
    airports()
    airline("EK")
    airline("BA")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_add_a_destination_by_code_or_city(customer, customer_client):
    response = customer_client.post(URL, {"action": "destination", "destination": "london",
                                          "notes": "Museums"})  # fmt: skip
    assert response.status_code == 302
    assert list(FavoriteDestination.objects.values_list("airport__iata_code", "notes")) == [
        ("LHR", "Museums")
    ]
    page = text(customer_client.get(URL))
    assert "<strong>London</strong>" in page
    assert "Museums" in page
    assert 'list="favourite-destination-suggestions"' in page


def test_an_unknown_destination_is_refused(customer, customer_client):
    response = customer_client.post(URL, {"action": "destination", "destination": "Atlantis"})
    assert response.status_code == 400
    assert "No airport matches “Atlantis”." in text(response)
    assert not FavoriteDestination.objects.exists()


def test_add_rescore_and_remove_an_airline(customer, customer_client):
    response = customer_client.post(URL, {"action": "airline", "airline": "BA", "score": "4"})
    assert response.status_code == 302
    favourite = FavoriteAirline.objects.get()
    assert (favourite.airline.iata_code, favourite.score) == ("BA", 4)

    page = text(customer_client.get(URL))
    assert (
        f'<label for="id_airline-{favourite.pk}-score">Preference for British Airways</label>'
        in page
    )
    assert '<option value="4" selected>4</option>' in page

    score = reverse("b2c:favourite-airline-score", args=[favourite.pk])
    customer_client.post(score, {f"airline-{favourite.pk}-score": "2"})
    assert FavoriteAirline.objects.get().score == 2

    before = snapshot()
    customer_client.post(score, {f"airline-{favourite.pk}-score": "9"})
    assert snapshot() == before

    customer_client.post(reverse("b2c:favourite-airline-remove", args=[favourite.pk]))
    assert not FavoriteAirline.objects.exists()


def test_a_bad_score_is_refused(customer, customer_client):
    response = customer_client.post(URL, {"action": "airline", "airline": "BA", "score": "7"})
    assert response.status_code == 400
    assert not FavoriteAirline.objects.exists()


def test_someone_elses_favourites_are_not_found(customer_client, other_customer):
    destination = favourite_destination_add(customer=other_customer, airport_code="DXB")
    carrier = favourite_airline_set(customer=other_customer, airline_code="EK", score=3)
    before = snapshot()
    score = {f"airline-{carrier.pk}-score": "5"}
    for url, data in [
        (reverse("b2c:favourite-destination-remove", args=[destination.pk]), {}),
        (reverse("b2c:favourite-airline-remove", args=[carrier.pk]), {}),
        (reverse("b2c:favourite-airline-score", args=[carrier.pk]), score),
    ]:
        assert customer_client.post(url, data).status_code == 404
    assert snapshot() == before
