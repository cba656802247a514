"""The search form: airports by code or name, dates, passengers, filters, and what it hands to
flights.search."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from freezegun import freeze_time

from flights.forms import FlightSearchForm
from flights.models import Cabin
from flights.search import Filters, Passengers, SearchQuery
from flights.tests.factories import BACK, DAY, NOW, airline, airport, at, flight, search_params

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def world():
    with freeze_time(NOW):
        for code in ("DXB", "LHR", "LGW", "DOH", "LAX"):
            airport(code)
        for code in ("EK", "BA", "QR"):
            airline(code)
        yield


def form_for(**overrides) -> FlightSearchForm:
    return FlightSearchForm(search_params(**overrides))


def errors_of(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


def test_a_short_query_is_a_one_way_economy_search_for_one_adult():
    form = form_for()

    assert form.is_valid(), form.errors
    assert form.search_query() == SearchQuery(
        origin=airport("DXB"),
        destination=airport("LHR"),
        departure_date=DAY,
        passengers=Passengers(1, 0, 0),
        cabin=Cabin.ECONOMY,
        currency="USD",
        return_date=None,
    )
    assert form.filters() == Filters()
    assert form.sort_order() == "price"
    assert form.cleaned_data["trip"] == "one_way"


def test_every_field_reaches_the_query_and_the_filters():
    form = FlightSearchForm(
        QueryDict(
            "origin=dxb&destination=lhr&trip=return&departure_date=2030-01-20"
            "&return_date=2030-01-27&adults=2&children=1&infants=1&cabin=business"
            "&sort=duration&max_stops=1&airlines=ek,BA&airlines=QR&depart_after=06:00"
            "&depart_before=12:30&max_price=2500.50"
        )
    )

    assert form.is_valid(), form.errors
    assert form.search_query() == SearchQuery(
        origin=airport("DXB"),
        destination=airport("LHR"),
        departure_date=DAY,
        return_date=BACK,
        passengers=Passengers(2, 1, 1),
        cabin=Cabin.BUSINESS,
        currency="USD",
    )
    assert form.filters() == Filters(
        max_stops=1,
        airlines=frozenset({"EK", "BA", "QR"}),
        depart_after=dt.time(6),
        depart_before=dt.time(12, 30),
        max_price=Decimal("2500.50"),
    )
    assert form.filters(airlines=False).airlines == frozenset()
    assert form.sort_order() == "duration"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("LHR", "LHR"),
        ("lhr", "LHR"),
        (" Doha ", "DOH"),
        ("doha", "DOH"),
        ("Hamad International Airport", "DOH"),
        ("London Heath", "LHR"),  # the start of an airport's name
        ("Los Ang", "LAX"),  # the start of a city's name
        ("London (LGW)", "LGW"),  # a suggestion's label
    ],
)
def test_an_airport_is_a_code_in_any_case_or_a_name_naming_one_airport(typed, code):
    form = form_for(destination=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["destination"] == airport(code)


def test_a_name_of_several_airports_is_ambiguous_and_lists_their_codes():
    assert errors_of(form_for(destination="london")) == {
        "destination": [
            "“london” matches more than one airport (LGW, LHR): type the airport's 3-letter "
            "code or choose a suggestion."
        ]
    }


def test_of_several_airports_of_one_name_the_only_one_with_flights_is_meant():
    airport("DWC", name="Al Maktoum International Airport", city="Dubai")
    flight("EK", 1, "DXB", "LHR", at(DAY, 8), 445, base="1", taxes="1")

    form = form_for(origin="dubai")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["origin"] == airport("DXB")


def test_several_airports_with_flights_stay_ambiguous_and_come_first():
    airport("LCY", name="London City Airport", city="London")
    flight("BA", 1, "LHR", "DXB", at(DAY, 8), 445, base="1", taxes="1")
    flight("BA", 2, "LGW", "DXB", at(DAY, 8), 445, base="1", taxes="1")

    assert errors_of(form_for(origin="London", destination="DXB")) == {
        "origin": [
            "“London” matches more than one airport (LGW, LHR, LCY): type the airport's "
            "3-letter code or choose a suggestion."
        ]
    }


def test_an_unknown_airport_names_the_field_and_what_was_typed():
    assert errors_of(form_for(origin="Atlantis", destination="XQZ")) == {
        "origin": ["No airport matches “Atlantis”. Type a city, an airport or its 3-letter code."],
        "destination": ["No airport matches “XQZ”. Type a city, an airport or its 3-letter code."],
    }


def test_origin_and_destination_must_differ_even_when_typed_differently():
    assert errors_of(form_for(origin="dxb", destination="Dubai")) == {
        "destination": ["The destination must be different from the origin."]
    }


def test_required_fields():
    assert errors_of(FlightSearchForm({"origin": "DXB"})) == {
        "destination": ["This field is required."],
        "departure_date": ["This field is required."],
    }


def test_a_past_date_is_refused():
    assert errors_of(form_for(departure_date="2030-01-09")) == {
        "departure_date": ["This date is in the past."]
    }


def test_today_is_the_day_at_the_origin_airport():
    # 06:00 UTC on the 10th is still 22:00 on the 9th in Los Angeles, but 10:00 on the 10th in
    # Dubai.
    assert form_for(origin="LAX", departure_date="2030-01-09").is_valid()
    assert "departure_date" in form_for(origin="DXB", departure_date="2030-01-09").errors


def test_a_date_more_than_a_year_ahead_is_refused():
    assert errors_of(form_for(departure_date="2031-01-11")) == {
        "departure_date": ["Flights can be searched up to 365 days ahead."]
    }
    assert form_for(departure_date="2031-01-10").is_valid()


def test_a_return_trip_needs_a_return_date_not_before_departure():
    assert errors_of(form_for(trip="return")) == {
        "return_date": ["Choose a return date for a return trip."]
    }
    assert errors_of(form_for(return_date="2030-01-19")) == {
        "return_date": ["The return date cannot be before the departure date."]
    }
    same_day = form_for(return_date=DAY.isoformat())
    assert same_day.is_valid()
    assert same_day.cleaned_data["trip"] == "return"


def test_a_one_way_trip_ignores_a_return_date_left_in_the_form():
    form = form_for(trip="one_way", return_date="2030-01-01")

    assert form.is_valid(), form.errors
    assert form.search_query().return_date is None


@pytest.mark.parametrize(
    ("counts", "errors"),
    [
        ({"adults": 0}, {"adults": ["Ensure this value is greater than or equal to 1."]}),
        ({"adults": 10}, {"adults": ["Ensure this value is less than or equal to 9."]}),
        ({"adults": "two"}, {"adults": ["Enter a whole number."]}),
        ({"children": -1}, {"children": ["Ensure this value is greater than or equal to 0."]}),
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
            {"adults": 2, "infants": 3},
            {"infants": ["Each infant travels on an adult's lap: no more infants than adults."]},
        ),
    ],
)
def test_passenger_rules(counts, errors):
    assert errors_of(form_for(**counts)) == errors


def test_nine_seats_and_as_many_infants_as_adults_are_allowed():
    form = form_for(adults=4, children=5, infants=4)

    assert form.is_valid(), form.errors
    assert form.search_query().passengers == Passengers(4, 5, 4)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"departure_date": "20/01/2030"}, {"departure_date": ["Enter a valid date."]}),
        (
            {"cabin": "coach"},
            {"cabin": ["Select a valid choice. coach is not one of the available choices."]},
        ),
        (
            {"sort": "cheapest"},
            {"sort": ["Select a valid choice. cheapest is not one of the available choices."]},
        ),
        (
            {"max_stops": "3"},
            {"max_stops": ["Select a valid choice. 3 is not one of the available choices."]},
        ),
        (
            {"airlines": "E,EK1"},
            {"airlines": ["Airline codes have two letters or digits, e.g. EK: E, EK1."]},
        ),
        ({"airlines": "EK,ZZ"}, {"airlines": ["Unknown airline code: ZZ."]}),
        (
            {
                "airlines": ",".join(f"A{i}" for i in range(10))
                + ","
                + ",".join(f"B{i}" for i in range(10))
                + ",EK"
            },
            {"airlines": ["Choose at most 20 airlines."]},
        ),
        ({"depart_after": "25:00"}, {"depart_after": ["Enter a valid time."]}),
        (
            {"depart_after": "12:00", "depart_before": "09:00"},
            {"depart_before": ["Choose a time later than “departing after”."]},
        ),
        (
            {"max_price": "-1"},
            {"max_price": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"max_price": "lots"}, {"max_price": ["Enter a number."]}),
    ],
)
def test_filter_and_choice_errors(params, errors):
    assert errors_of(form_for(**params)) == errors


def test_an_unbound_form_offers_the_defaults():
    form = FlightSearchForm()

    html = str(form["adults"]) + str(form["trip"]) + str(form["cabin"])
    assert 'name="adults" value="1"' in html
    assert 'value="one_way" id="id_trip_0" checked' in html.replace("\n", "")
    assert '<option value="economy" selected>' in html


def test_airport_fields_accept_typing_without_javascript_and_ask_htmx_for_suggestions():
    html = str(FlightSearchForm()["origin"])

    assert 'type="text"' in html
    assert 'list="origin-suggestions"' in html
    assert 'hx-get="/search/airports/"' in html
    assert 'hx-target="#origin-suggestions"' in html
