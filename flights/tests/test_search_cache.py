"""The same search answered again from the cache: for whom, for how long, and what clears it."""

import pytest
from django.conf import settings
from freezegun import freeze_time

from flights.models import Fare, Flight
from flights.tests.factories import NOW, dxb_lhr, flight, search_params

pytestmark = pytest.mark.django_db

PAGE, API = "/search/", "/api/v1/flights/search/"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


def test_a_visitor_asking_again_gets_the_same_page_without_a_query(
    client, django_assert_num_queries
):
    dxb_lhr()
    first = client.get(PAGE, search_params())

    with django_assert_num_queries(0):
        again = client.get(PAGE, search_params())

    assert again.status_code == 200
    assert again.content == first.content
    assert "csrfmiddlewaretoken" not in again.content.decode()


def test_a_changed_flight_or_fare_shows_at_once(client):
    flights = dxb_lhr()
    client.get(PAGE, search_params())

    Fare.objects.filter(flight=flights["EK1"]).get().delete()
    flight("EK", 9, "DXB", "LHR", flights["EK1"].departure_at, 445, base="90.00", taxes="10.00")
    html = client.get(PAGE, search_params()).content.decode()

    assert '<span class="flight-number" dir="ltr">EK9</span>' in html
    assert '<span class="flight-number" dir="ltr">EK1</span>' not in html
    Flight.objects.filter(number=9).update(status=Flight.Status.CANCELLED)  # no signal: cached
    assert "EK9" in client.get(PAGE, search_params()).content.decode()


def test_each_question_language_and_currency_has_its_own_answer(client):
    from payments.fx import exchange_rates_refresh

    exchange_rates_refresh()
    dxb_lhr()
    english = client.get(PAGE, search_params()).content.decode()

    other_sort = client.get(PAGE, search_params(sort="duration")).content.decode()
    in_aed = client.get(PAGE, search_params(currency="AED")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    arabic = client.get(PAGE, search_params()).content.decode()

    assert len({english, other_sort, in_aed, arabic}) == 4
    assert 'lang="ar" dir="rtl"' in arabic
    assert '<p class="price-total">AED' in in_aed
    assert '<p class="price-total">AED' not in english


def test_signed_in_customers_get_their_own_page(client, customer_client):
    dxb_lhr()
    client.get(PAGE, search_params())

    html = customer_client.get(PAGE, search_params()).content.decode()

    assert "Sign out" in html
    assert "csrfmiddlewaretoken" in html


def test_a_page_with_a_message_for_the_visitor_is_not_the_cached_one(client):
    dxb_lhr()
    client.get(PAGE, search_params())

    # An expired or bad offer sends the visitor back to the search with a message.
    response = client.get("/search/offer/", {"token": "bad", "next": "/search/?origin=DXB"})
    html = client.get(response.url).content.decode()

    assert "That offer could not be read. Please choose one again." in html


def test_the_api_answers_again_from_the_cache_per_currency(
    customer_api, customer, django_assert_num_queries
):
    from rest_framework.test import APIClient

    from payments.fx import exchange_rates_refresh

    exchange_rates_refresh()
    dxb_lhr()
    anonymous = APIClient()
    first = anonymous.get(API, search_params()).json()

    with django_assert_num_queries(0):
        again = anonymous.get(API, search_params()).json()
    customer.preferred_currency = "AED"
    customer.save()
    theirs = customer_api.get(API, search_params()).json()

    assert again == first
    assert first["results"][0]["price"]["currency"] == "USD"
    assert theirs["results"][0]["price"]["currency"] == "AED"


def test_a_refused_search_is_not_kept(api_client):
    dxb_lhr()

    assert api_client.get(API, search_params(destination="XXX")).status_code == 400
    assert api_client.get(API, search_params(destination="XXX")).status_code == 400


def test_no_cache_when_it_is_turned_off(client, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    flights = dxb_lhr()
    client.get(PAGE, search_params())

    # A change that sends no signal: only a page read from the database anew can show it.
    Fare.objects.filter(flight=flights["EK1"]).update(base_fare="1.00", taxes="1.00")
    html = client.get(PAGE, search_params()).content.decode()

    assert '<p class="price-total">$2.00</p>' in html


def test_with_the_cache_a_change_without_a_signal_waits_for_the_cache(client):
    flights = dxb_lhr()
    client.get(PAGE, search_params())

    Fare.objects.filter(flight=flights["EK1"]).update(base_fare="1.00", taxes="1.00")
    html = client.get(PAGE, search_params()).content.decode()

    assert '<p class="price-total">$2.00</p>' not in html


def test_the_price_calendar_is_shared_by_signed_in_customers_too(customer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dxb_lhr()
    with CaptureQueriesContext(connection) as first:
        html = customer_client.get(PAGE, search_params()).content.decode()
    with CaptureQueriesContext(connection) as again:
        html_again = customer_client.get(PAGE, search_params()).content.decode()

    calendar = html.split('class="price-calendar"')[1].split("</section>")[0]
    assert calendar == html_again.split('class="price-calendar"')[1].split("</section>")[0]

    def supplier_queries(context):
        return sum("FROM flights_fare fa" in q["sql"] for q in context.captured_queries)

    # The day's two supplier queries each time; the week's two only the first time.
    assert (supplier_queries(first), supplier_queries(again)) == (4, 2)
