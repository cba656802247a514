"""/api/v1/flights/search/ and /calendar/: offers as JSON, paginated; 400 with field errors on bad
input, never a 500; anonymous and throttled; documented in the schema."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from rest_framework.throttling import ScopedRateThrottle

from core.testing.api import INVALID
from flights.api import FlightSearchParamsSerializer
from flights.forms import FlightSearchForm
from flights.search import offer_token_read
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

SEARCH = "/api/v1/flights/search/"
CALENDAR = "/api/v1/flights/calendar/"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


def search(api_client, **params):
    return api_client.get(SEARCH, search_params(**params))


def designators(body) -> list[list[str]]:
    return [
        [leg["flight"] for journey in offer["journeys"] for leg in journey["legs"]]
        for offer in body["results"]
    ]


def test_an_offer_in_full(api_client):
    flights = dxb_lhr()

    response = search(api_client, adults=2, children=1, infants=1, airlines="EK")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["next"] is None and body["previous"] is None
    [offer] = body["results"]
    token = offer.pop("token")
    assert offer == {
        "expires_in_seconds": 1200,
        "passengers": {"adults": 2, "children": 1, "infants": 1},
        # 2 adults × (500 + 100); a child 375 + 100; an infant 50 + 100
        "price": {
            "currency": "USD",
            "total": "1825.00",
            "base": "1425.00",
            "taxes": "400.00",
            "per_adult": "600.00",
            "per_child": "475.00",
            "per_infant": "150.00",
        },
        "journeys": [
            {
                "stops": 0,
                "duration_minutes": 445,
                "co2_kg_per_passenger": 572,
                "fare": {
                    "cabin": "economy",
                    "brand": "Saver",
                    "cabin_baggage_kg": 7,
                    "checked_baggage_kg": 25,
                    "refundable": False,
                    "changeable": True,
                },
                "legs": [
                    {
                        "flight": "EK1",
                        "airline": {"code": "EK", "name": "Emirates"},
                        "origin": "DXB",
                        "destination": "LHR",
                        "departure_local": "2030-01-20T08:15:00+04:00",
                        "arrival_local": "2030-01-20T11:40:00+00:00",
                        "duration_minutes": 445,
                        "aircraft": "Boeing 777-300ER",
                    }
                ],
            }
        ],
    }
    content = offer_token_read(token)
    assert content["f"] == [flights["EK1"].fares.get().pk]
    assert content["p"] == [2, 1, 1]
    assert (content["t"], content["c"]) == ("1825.00", "USD")


def test_a_connection_and_its_price_for_a_family(api_client):
    dxb_lhr()

    body = search(api_client, adults=2, children=1, infants=1, airlines="QR").json()

    [offer] = body["results"]
    # (100 + 300) base and (20 + 50) taxes a leg pair: 2 × 470 + (300 + 70) + (40 + 70)
    assert offer["price"] == {
        "currency": "USD",
        "total": "1420.00",
        "base": "1140.00",
        "taxes": "280.00",
        "per_adult": "470.00",
        "per_child": "370.00",
        "per_infant": "110.00",
    }
    [journey] = offer["journeys"]
    assert (journey["stops"], journey["duration_minutes"]) == (1, 600)
    assert [
        (leg["flight"], leg["departure_local"], leg["arrival_local"]) for leg in journey["legs"]
    ] == [
        ("QR1001", "2030-01-20T09:00:00+04:00", "2030-01-20T09:10:00+03:00"),
        ("QR3", "2030-01-20T11:00:00+03:00", "2030-01-20T15:00:00+00:00"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [["QR1001", "QR3"], ["BA106"], ["EK1"]]),
        ({"sort": "duration"}, [["EK1"], ["BA106"], ["QR1001", "QR3"]]),
        ({"sort": "departure"}, [["EK1"], ["QR1001", "QR3"], ["BA106"]]),
        ({"max_stops": 0}, [["BA106"], ["EK1"]]),
        ({"airlines": "ek,QR"}, [["QR1001", "QR3"], ["EK1"]]),
        ({"depart_after": "09:00", "depart_before": "13:00"}, [["QR1001", "QR3"]]),
        ({"max_price": "599.99"}, [["QR1001", "QR3"], ["BA106"]]),
        # The maximum is for everyone: with 2 adults and a child, 1310.00, 1597.50 and 1675.00.
        ({"adults": 2, "children": 1, "max_price": "1600"}, [["QR1001", "QR3"], ["BA106"]]),
    ],
)
def test_sorts_and_filters(api_client, params, expected):
    dxb_lhr()

    assert designators(search(api_client, **params).json()) == expected


def test_the_airlines_filter_also_takes_repeated_parameters(api_client):
    dxb_lhr()

    response = api_client.get(SEARCH + "?origin=DXB&destination=LHR&departure_date=2030-01-20"
                              "&airlines=EK&airlines=BA")  # fmt: skip

    assert designators(response.json()) == [["BA106"], ["EK1"]]


def test_a_return_search_pairs_both_directions(api_client):
    dxb_lhr()
    lhr_dxb()

    body = search(api_client, return_date=BACK.isoformat()).json()

    assert designators(body) == [["QR1001", "QR3", "EK2"], ["BA106", "EK2"], ["EK1", "EK2"]]
    assert [o["price"]["total"] for o in body["results"]] == ["1120.00", "1220.00", "1250.00"]
    back = body["results"][2]["journeys"][1]["legs"][0]
    assert (back["departure_local"], back["arrival_local"]) == (
        "2030-01-27T20:00:00+00:00",
        "2030-01-28T06:55:00+04:00",
    )


def test_pages_of_twenty(api_client):
    many_direct(30)

    first = search(api_client, sort="price").json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 30
    assert len(first["results"]) == 20
    query = "departure_date=2030-01-20&destination=LHR&origin=DXB"
    assert first["next"] == f"http://testserver{SEARCH}?{query}&page=2&sort=price"
    assert first["previous"] is None
    assert [o["price"]["total"] for o in second["results"]] == [f"{370 + i}.00" for i in range(10)]
    assert second["next"] is None
    assert second["previous"] == f"http://testserver{SEARCH}?{query}&sort=price"


def test_a_page_out_of_range_is_a_404_in_the_error_shape(api_client):
    many_direct(3)

    response = search(api_client, page=5)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        (
            {"origin": "Atlantis"},
            {
                "origin": [
                    "No airport matches “Atlantis”. Type a city, an airport or its 3-letter code."
                ]
            },
        ),
        (
            {"destination": "london"},
            {
                "destination": [
                    "“london” matches more than one airport (LGW, LHR): type the airport's "
                    "3-letter code or choose a suggestion."
                ]
            },
        ),
        (
            {"destination": "dxb"},
            {"destination": ["The destination must be different from the origin."]},
        ),
        ({"departure_date": "2030-01-09"}, {"departure_date": ["This date is in the past."]}),
        ({"departure_date": "2030-13-45"}, {"departure_date": ["Enter a valid date."]}),
        (
            {"departure_date": "9999-12-31"},
            {"departure_date": ["Flights can be searched up to 365 days ahead."]},
        ),
        (
            {"return_date": "2030-01-19"},
            {"return_date": ["The return date cannot be before the departure date."]},
        ),
        ({"trip": "return"}, {"return_date": ["Choose a return date for a return trip."]}),
        (
            {"adults": 5, "children": 5},
            {
                "children": [
                    "At most 9 seats per booking: adults and children together cannot be more "
                    "than 9."
                ]
            },
        ),
        (
            {"infants": 2},
            {"infants": ["Each infant travels on an adult's lap: no more infants than adults."]},
        ),
        ({"adults": "lots"}, {"adults": ["Enter a whole number."]}),
        (
            {"cabin": "coach"},
            {"cabin": ["Select a valid choice. coach is not one of the available choices."]},
        ),
        ({"airlines": "ZZ"}, {"airlines": ["Unknown airline code: ZZ."]}),
        ({"max_price": "-5"}, {"max_price": ["Ensure this value is greater than or equal to 0."]}),
    ],
)
def test_bad_input_is_a_400_with_field_errors(api_client, params, fields):
    dxb_lhr()

    response = search(api_client, **params)

    assert response.status_code == 400
    assert response.json() == {"error": {**INVALID, "fields": fields}}


def test_nothing_at_all_is_a_400_naming_the_required_fields(api_client):
    response = api_client.get(SEARCH)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "origin": ["This field is required."],
        "destination": ["This field is required."],
        "departure_date": ["This field is required."],
    }


def test_the_parameters_documented_are_the_forms_fields():
    assert set(FlightSearchParamsSerializer().fields) == set(FlightSearchForm.base_fields)


def test_anonymous_signed_in_and_token_clients_may_search(api_client, customer_api):
    dxb_lhr()

    assert search(api_client).status_code == 200
    assert search(customer_api).status_code == 200


def test_searches_are_throttled_per_client(api_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"flight_search": "2/min"})
    airport("DXB")
    airport("LHR")

    statuses = [search(api_client).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert search(api_client).json()["error"]["code"] == "throttled"


# Calendar ------------------------------------------------------------------------------------


def test_the_calendar_gives_the_lowest_total_each_day(api_client):
    dxb_lhr()
    flight("EK", 11, "DXB", "LHR", dt.datetime(2030, 1, 19, 8), 445, base="400.00", taxes="100.00")
    flight("EK", 12, "DXB", "LHR", dt.datetime(2030, 1, 22, 8), 445, base="550.00", taxes="100.00")

    # Filters and sort do not change the calendar.
    response = api_client.get(CALENDAR, search_params(adults=2, max_stops=0, sort="duration"))

    assert response.status_code == 200
    assert response.json() == {
        "currency": "USD",
        "days": [
            {"date": "2030-01-17", "return_date": None, "lowest_total": None},
            {"date": "2030-01-18", "return_date": None, "lowest_total": None},
            {"date": "2030-01-19", "return_date": None, "lowest_total": "1000.00"},
            {"date": "2030-01-20", "return_date": None, "lowest_total": "940.00"},
            {"date": "2030-01-21", "return_date": None, "lowest_total": None},
            {"date": "2030-01-22", "return_date": None, "lowest_total": "1300.00"},
            {"date": "2030-01-23", "return_date": None, "lowest_total": None},
        ],
    }


def test_the_calendar_of_a_return_trip_and_days_already_past(api_client):
    dxb_lhr(day=dt.date(2030, 1, 11))
    lhr_dxb(day=dt.date(2030, 1, 15))

    body = api_client.get(
        CALENDAR, search_params(departure_date="2030-01-11", return_date="2030-01-15")
    ).json()

    assert [(d["date"], d["return_date"], d["lowest_total"]) for d in body["days"]] == [
        ("2030-01-08", "2030-01-12", None),
        ("2030-01-09", "2030-01-13", None),
        ("2030-01-10", "2030-01-14", None),
        ("2030-01-11", "2030-01-15", "1120.00"),
        ("2030-01-12", "2030-01-16", None),
        ("2030-01-13", "2030-01-17", None),
        ("2030-01-14", "2030-01-18", None),
    ]
    assert body["currency"] == "USD"


def test_a_calendar_without_any_offer_has_no_currency(api_client):
    airport("DXB")
    airport("LHR")

    body = api_client.get(CALENDAR, search_params()).json()

    assert body["currency"] is None
    assert {d["lowest_total"] for d in body["days"]} == {None}


def test_a_bad_calendar_query_is_a_400(api_client):
    airport("DXB")

    response = api_client.get(CALENDAR, {"origin": "DXB", "destination": "DXB"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "destination": ["The destination must be different from the origin."],
        "departure_date": ["This field is required."],
    }


# Schema --------------------------------------------------------------------------------------


def test_the_schema_documents_search_calendar_and_airports(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    paths = schema["paths"]

    search_op = paths["/api/v1/flights/search/"]["get"]
    assert {p["name"] for p in search_op["parameters"]} == {
        *FlightSearchForm.base_fields,
        "page",
        "page_size",
    }
    assert search_op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedFlightOfferList"
    }
    assert {} in search_op["security"]  # anonymous allowed
    calendar_op = paths["/api/v1/flights/calendar/"]["get"]
    assert {p["name"] for p in calendar_op["parameters"]} == {
        "origin",
        "destination",
        "departure_date",
        "return_date",
        "trip",
        "adults",
        "children",
        "infants",
        "cabin",
        "currency",
    }
    assert set(schema["components"]["schemas"]["FlightOffer"]["properties"]) == {
        "token",
        "expires_in_seconds",
        "passengers",
        "price",
        "journeys",
    }
    assert "/api/v1/flights/airports/" in paths


def test_the_number_of_queries_does_not_grow_with_the_offers(
    api_client, django_assert_max_num_queries
):
    # A first leg to Doha with no onward flight, so both searches take the same path.
    flight("QR", 1001, "DXB", "DOH", dt.datetime(2030, 1, 20, 9), 70, base="1", taxes="1")
    many_direct(1)
    with CaptureQueriesContext(connection) as one:
        assert search(api_client).json()["count"] == 1

    many_direct(29, first_number=200)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert search(api_client).json()["count"] == 30


def test_prices_in_the_currency_asked_for_with_its_minor_unit(api_client):
    from payments.fx import exchange_rates_refresh

    exchange_rates_refresh()  # the shipped rates: 1 USD = 0.3068 KWD
    dxb_lhr()

    body = search(api_client, currency="KWD", max_stops="0", sort="duration").json()

    ek1 = body["results"][0]
    assert ek1["price"]["currency"] == "KWD"
    # 500.00 and 100.00 USD: 153.400 + 30.680 KWD, to the fils.
    assert (ek1["price"]["base"], ek1["price"]["taxes"], ek1["price"]["total"]) == (
        "153.400",
        "30.680",
        "184.080",
    )


def test_a_signed_in_customer_gets_their_preferred_currency(customer_api, customer):
    from payments.fx import exchange_rates_refresh

    exchange_rates_refresh()
    customer.preferred_currency = "JPY"
    customer.save()
    dxb_lhr()

    body = search(customer_api, max_stops="0", sort="duration").json()

    assert body["results"][0]["price"]["currency"] == "JPY"
    assert body["results"][0]["price"]["total"] == "92580"  # 600.00 USD x 154.30


def test_an_unknown_currency_is_a_field_error(api_client):
    dxb_lhr()

    response = search(api_client, currency="XYZ")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "currency": ["Select a valid choice. XYZ is not one of the available choices."]
    }
