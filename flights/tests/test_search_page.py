"""/search/: the form, offers in local times, sorting, filters, the price calendar, pagination,
errors on the page, right-to-left, the query budget, and choosing an offer."""

import datetime as dt
import re
from html import escape
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from flights.search import OFFER_TTL
from flights.tests.factories import (
    BACK,
    NOW,
    airport,
    dxb_lhr,
    flight,
    lhr_dxb,
    many_direct,
    search_params,
)

pytestmark = pytest.mark.django_db

URL = "/search/"
NO_FLIGHTS = '<span aria-hidden="true">—</span><span class="visually-hidden">no flights</span>'


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


def page(client, **params):
    response = client.get(URL, search_params(**params))
    return response, response.content.decode()


def flight_numbers(html: str) -> list[str]:
    """Flight numbers in the order the page shows them."""
    return re.findall(r'<span class="flight-number" dir="ltr">(\w+)</span>', html)


def offers_in(html: str) -> list[list[str]]:
    """The flight numbers of each offer, in order."""
    return [flight_numbers(item) for item in html.split('<li class="offer">')[1:]]


def test_the_empty_page_shows_the_form_alone(client):
    response = client.get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<form class="search-form panel" method="get" action="/search/"' in html
    assert 'class="offers"' not in html
    assert "price-calendar" not in html
    assert "<legend>Passengers</legend>" in html
    assert '<label for="id_origin">From:</label>' in html
    assert '<datalist id="origin-suggestions"></datalist>' in html


def test_the_nav_links_to_the_search(client):
    html = client.get("/").content.decode()

    assert '<a href="/search/" >Flights</a>' in html
    assert '<a href="/search/" aria-current="page">Flights</a>' in client.get(URL).content.decode()


def test_offers_cheapest_first_with_the_valid_connection_only(client):
    dxb_lhr()

    response, html = page(client)

    assert response.status_code == 200
    # QR5 (30-minute change) and QR7 (over 24 hours) make no offer.
    assert offers_in(html) == [["QR1001", "QR3"], ["BA106"], ["EK1"]]
    assert '<h2 id="results-title">3 offers</h2>' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", [["QR1001", "QR3"], ["BA106"], ["EK1"]]),
        ("duration", [["EK1"], ["BA106"], ["QR1001", "QR3"]]),
        ("departure", [["EK1"], ["QR1001", "QR3"], ["BA106"]]),
    ],
)
def test_sort_orders_and_links(client, sort, expected):
    dxb_lhr()

    _response, html = page(client, sort=sort)

    assert offers_in(html) == expected
    current = re.search(r'<a href="([^"]+)" aria-current="true">', html).group(1)
    assert f"sort={sort}" in current


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"max_stops": "0"}, [["BA106"], ["EK1"]]),
        ({"max_stops": "1"}, [["QR1001", "QR3"], ["BA106"], ["EK1"]]),
        ({"airlines": "EK"}, [["EK1"]]),
        ({"airlines": "QR,BA"}, [["QR1001", "QR3"], ["BA106"]]),
        ({"depart_after": "09:00"}, [["QR1001", "QR3"], ["BA106"]]),
        ({"depart_before": "09:00"}, [["QR1001", "QR3"], ["EK1"]]),
        ({"max_price": "570"}, [["QR1001", "QR3"], ["BA106"]]),
    ],
)
def test_filters(client, params, expected):
    dxb_lhr()

    _response, html = page(client, **params)

    assert offers_in(html) == expected
    assert '<details class="search-filters" open>' in html


def test_airline_choices_are_those_of_the_route_even_when_one_is_chosen(client):
    dxb_lhr()

    _response, html = page(client, airlines="EK")

    boxes = re.findall(
        r'<input type="checkbox" name="airlines" value="(\w+)"[^>]*?( checked)?>', html
    )
    assert boxes == [("BA", ""), ("EK", " checked"), ("QR", "")]


def test_an_offer_shows_local_times_terms_co2_and_price(client):
    dxb_lhr()

    _response, html = page(client, airlines="EK")
    offer = html.split('<li class="offer">')[1]

    assert "Emirates · $600.00</h3>" in offer
    # 08:15 in Dubai, 11:40 in London: each airport's own clock.
    assert '<time datetime="2030-01-20T08:15+04:00">08:15</time>' in offer
    assert '<time datetime="2030-01-20T11:40+00:00">11:40</time>' in offer
    assert '<span class="code" dir="ltr">DXB</span>' in offer
    assert '<span class="code" dir="ltr">LHR</span>' in offer
    assert '<span class="flight-number" dir="ltr">EK1</span> Emirates · Boeing 777-300ER' in offer
    assert '<time datetime="PT7H25M">7 h 25 min</time>' in offer
    assert "Direct" in offer
    assert "<li><strong>Saver</strong> · Economy</li>" in offer
    assert "<li>Cabin bag 7 kg</li>" in offer
    assert "<li>Checked bag 25 kg</li>" in offer
    assert "<li>Non-refundable</li>" in offer
    assert "<li>Changes allowed</li>" in offer
    # 5,500 km × 0.104 kg (long haul, economy)
    assert "<li>est. 572 kg CO₂ per passenger</li>" in offer
    assert '<p class="price-total">$600.00</p>' in offer
    assert "total for 1 traveller" in offer
    assert "$600.00 per adult" in offer
    assert "+1" not in offer


def test_a_connection_shows_where_and_how_long(client):
    dxb_lhr()

    _response, html = page(client, airlines="QR")

    assert "1 stop" in html
    assert (
        'Change planes at <span class="code" dir="ltr">DOH</span> (Doha): 1 h 50 min connection'
        in html
    )
    # Doha keeps its own clock: lands 09:10, leaves 11:00.
    assert '<time datetime="2030-01-20T09:10+03:00">09:10</time>' in html
    assert '<time datetime="2030-01-20T11:00+03:00">11:00</time>' in html
    assert '<time datetime="PT10H0M">10 h 0 min</time>' in html


def test_prices_cover_every_passenger(client):
    dxb_lhr()

    _response, html = page(client, adults=2, children=1, infants=1, airlines="EK")

    # 2 × 600 + (375 + 100) for the child + (50 + 100) for the infant on a lap
    assert '<p class="price-total">$1,825.00</p>' in html
    assert "total for 4 travellers" in html
    assert "$600.00 per adult" in html


def test_a_return_trip_shows_both_journeys_and_the_next_day_arrival(client):
    dxb_lhr()
    lhr_dxb()

    _response, html = page(client, return_date=BACK.isoformat(), airlines="EK")
    [offer] = html.split('<li class="offer">')[1:]

    assert flight_numbers(offer) == ["EK1", "EK2"]
    assert 'Outbound · <time datetime="2030-01-20">Sun, Jan 20</time>' in offer
    assert 'Return · <time datetime="2030-01-27">Sun, Jan 27</time>' in offer
    assert '<time datetime="2030-01-27T20:00+00:00">20:00</time>' in offer
    assert (
        '<time datetime="2030-01-28T06:55+04:00">06:55</time><sup class="day-offset">'
        '<span dir="ltr">+1</span><span class="visually-hidden"> (arrives 1 day later)</span></sup>'
        in offer
    )
    assert '<p class="price-total">$1,250.00</p>' in offer


def test_the_price_calendar_links_each_day_with_its_lowest_price(client):
    dxb_lhr()
    flight("EK", 11, "DXB", "LHR", dt.datetime(2030, 1, 19, 8), 445, base="400.00", taxes="100.00")
    flight("EK", 12, "DXB", "LHR", dt.datetime(2030, 1, 22, 8), 445, base="550.00", taxes="100.00")

    _response, html = page(client, sort="duration", page=2)
    calendar = html.split('<ol class="calendar-days">')[1].split("</ol>")[0]
    days = re.findall(
        r'<a href="\?([^"]+)"( aria-current="date")?>\s*<time class="calendar-date" '
        r'datetime="([\d-]+)">[^<]+</time>\s*<span class="calendar-price">(.*?)</span>\s*</a>',
        calendar,
    )

    assert [(day, bool(current), price) for _query, current, day, price in days] == [
        ("2030-01-17", False, NO_FLIGHTS),
        ("2030-01-18", False, NO_FLIGHTS),
        ("2030-01-19", False, "$500.00"),
        ("2030-01-20", True, "$470.00"),
        ("2030-01-21", False, NO_FLIGHTS),
        ("2030-01-22", False, "$650.00"),
        ("2030-01-23", False, NO_FLIGHTS),
    ]
    # Each link is the same search on another day, back on its first page.
    assert days[2][0] == (
        "origin=DXB&amp;destination=LHR&amp;departure_date=2030-01-19&amp;sort=duration"
    )


def test_the_calendar_of_a_return_trip_keeps_its_length(client):
    dxb_lhr()
    lhr_dxb()

    _response, html = page(client, return_date=BACK.isoformat())

    assert "departure_date=2030-01-21&amp;return_date=2030-01-28" in html
    assert "departure_date=2030-01-17&amp;return_date=2030-01-24" in html


def test_calendar_days_already_over_are_not_links(client):
    dxb_lhr(day=dt.date(2030, 1, 11))

    _response, html = page(client, departure_date="2030-01-11")
    calendar = html.split('<ol class="calendar-days">')[1].split("</ol>")[0]

    assert calendar.count('<span class="calendar-past">') == 2  # the 8th and the 9th
    assert calendar.count("<a href=") == 5  # today, the 10th, and after
    assert 'datetime="2030-01-08"' in calendar


def test_twenty_offers_a_page_with_links_that_keep_the_query(client):
    many_direct(30)

    _response, first = page(client, sort="price")
    _response, second = page(client, sort="price", page=2)

    assert len(offers_in(first)) == 20
    assert offers_in(first)[0] == ["EK100"]
    assert len(offers_in(second)) == 10
    assert offers_in(second)[0] == ["EK120"]
    assert '<ol class="offers" start="21">' in second
    query = "origin=DXB&amp;destination=LHR&amp;departure_date=2030-01-20&amp;sort=price"
    assert f'<a href="?{query}&amp;page=2" rel="next">Next</a>' in first
    assert f'<a href="?{query}&amp;page=1" rel="prev">Previous</a>' in second
    assert f'<a href="?{query}&amp;page=2" aria-current="page">2</a>' in second
    assert '<h2 id="results-title">30 offers</h2>' in second


def test_a_page_number_out_of_range_shows_the_last_page(client):
    many_direct(21)

    response, html = page(client, page=99)

    assert response.status_code == 200
    assert offers_in(html) == [["EK120"]]


def test_no_offers_says_so(client):
    airport("DXB")
    airport("LHR")

    response, html = page(client)

    assert response.status_code == 200
    assert '<h2 id="results-title">0 offers</h2>' in html
    assert "No flights match this search." in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"origin": "Atlantis"}, "origin", "No airport matches “Atlantis”."),
        ({"destination": "London"}, "destination", "“London” matches more than one airport"),
        ({"destination": "dxb"}, "destination", "The destination must be different"),
        ({"departure_date": "2030-01-09"}, "departure_date", "This date is in the past."),
        ({"departure_date": "not-a-date"}, "departure_date", "Enter a valid date."),
        (
            {"return_date": "2030-01-19"},
            "return_date",
            "The return date cannot be before the departure date.",
        ),
        ({"adults": 5, "children": 5}, "children", "At most 9 seats per booking"),
        ({"adults": 1, "infants": 2}, "infants", "no more infants than adults"),
        ({"adults": 99}, "adults", "Ensure this value is less than or equal to 9."),
        ({"max_stops": "7"}, "max_stops", "Select a valid choice."),
    ],
)
def test_bad_input_shows_the_form_with_the_message_on_its_field(client, params, field, message):
    dxb_lhr()

    response, html = page(client, **params)

    assert response.status_code == 400
    assert 'class="offers"' not in html
    assert (
        '<div class="form-errors" role="alert"><p>Please correct the fields marked below.</p>'
        in html
    )
    # Django's field group: the message in the field's own error list, the input aria-invalid.
    errors = html.split(f'<ul class="errorlist" id="id_{field}_error">')[1].split("</ul>")[0]
    assert escape(message) in errors
    assert 'aria-invalid="true"' in html


def test_right_to_left_keeps_codes_and_flight_numbers_left_to_right(client):
    dxb_lhr()
    client.cookies["django_language"] = "ar"

    _response, html = page(client, airlines="EK")

    assert '<html lang="ar" dir="rtl">' in html
    assert '<span class="code" dir="ltr">DXB</span>' in html
    assert '<span class="code" dir="ltr">LHR</span>' in html
    assert '<span class="flight-number" dir="ltr">EK1</span>' in html
    assert '<time datetime="2030-01-20T08:15+04:00">08:15</time>' in html


def queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_offers(client, django_assert_max_num_queries):
    # A first leg to Doha with no onward flight, so both searches take the same path.
    flight("QR", 1001, "DXB", "DOH", dt.datetime(2030, 1, 20, 9), 70, base="1", taxes="1")
    many_direct(1)
    params = search_params()
    one = queries_for(client, params)
    assert "EK100" in client.get(URL, params).content.decode()

    many_direct(29, first_number=200)
    with django_assert_max_num_queries(one):
        response = client.get(URL, params)

    assert len(offers_in(response.content.decode())) == 20


# Choosing an offer ---------------------------------------------------------------------------


def select(client, token, next_url=None):
    data = {"token": token}
    if next_url is not None:
        data["next"] = next_url
    return client.get("/search/offer/", data)


def first_token(html: str) -> str:
    return re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)


def test_each_offer_has_a_select_button_sending_its_token(client):
    dxb_lhr()

    _response, html = page(client)
    offer = html.split('<li class="offer">')[1]

    assert '<form method="get" action="/search/offer/">' in offer
    assert "csrfmiddlewaretoken" not in html  # nothing to protect, and the page can be cached
    assert (
        '<input type="hidden" name="next" value="/search/?origin=DXB&amp;destination=LHR'
        '&amp;departure_date=2030-01-20">' in offer
    )
    assert (
        '<button type="submit" class="button" aria-describedby="offer-1-title">Select</button>'
        in offer
    )


def test_a_selected_offer_goes_on_to_booking(client):
    dxb_lhr()
    lhr_dxb()
    _response, html = page(client, return_date=BACK.isoformat(), adults=2, airlines="EK")
    token = first_token(html)

    response = select(client, token, "/search/?origin=DXB")

    assert response.status_code == 302
    assert response.url == f"/booking/{token}/"


def test_an_expired_offer_goes_back_to_the_search_with_a_message(client, frozen):
    dxb_lhr()
    _response, html = page(client)
    token = first_token(html)
    frozen.tick(OFFER_TTL + dt.timedelta(seconds=1))
    back = "/search/?" + urlencode(search_params())

    response = select(client, token, back)

    assert response.status_code == 302
    assert response.url == back
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "That offer has expired: prices are kept for 20 minutes. Here are the latest offers."
    ]


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJmIjpbMV19:1abc:forged"])
def test_a_tampered_offer_goes_back_to_the_search(client, token):
    response = select(client, token, "/search/?origin=DXB")

    assert response.status_code == 302
    assert response.url == "/search/?origin=DXB"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "That offer could not be read. Please choose one again."
    ]


def test_an_offer_whose_flight_is_gone_is_no_longer_available(client):
    flights = dxb_lhr()
    _response, html = page(client, airlines="EK")
    flights["EK1"].delete()

    response = select(client, first_token(html))

    assert response.status_code == 302
    assert response.url == "/search/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "That offer is no longer available. Please choose another."
    ]


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/search/", "//evil.example/search/", "/admin/", "/search/offer/"],
)
def test_only_a_search_on_this_site_is_a_way_back(client, next_url):
    response = select(client, "bad", next_url)

    assert response.url == "/search/"


def test_choosing_changes_nothing_so_it_is_a_get(client):
    assert client.post("/search/offer/", {"token": "x"}).status_code == 405


def test_prices_are_in_the_customers_own_currency(customer_client, customer):
    from payments.fx import exchange_rates_refresh

    exchange_rates_refresh()  # the shipped rates: 1 USD = 3.6725 AED
    customer.preferred_currency = "AED"
    customer.save()
    dxb_lhr()

    response, html = page(customer_client)

    assert response.status_code == 200
    assert '<option value="AED" selected>' in html
    # EK1: 500.00 + 100.00 USD = 1836.25 + 367.25 AED
    assert '<p class="price-total">AED2,203.50</p>' in html


def test_a_currency_without_a_rate_is_a_message_on_the_form(client):
    dxb_lhr()

    response, html = page(client, currency="EGP")

    assert response.status_code == 400
    assert "No exchange rate from USD to EGP is available." in html
    assert 'class="offers"' not in html
