"""Airport suggestions: the selector's order, the JSON API and the <option>s for the form."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from flights.selectors import airport_suggestions
from flights.tests.factories import NOW, airport, flight

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def airports():
    with freeze_time(NOW):
        airport("DUB")  # the code itself
        airport("DXB")  # Dubai, with departures
        airport("LHR")
        airport("DWC", name="Al Maktoum International Airport", city="Dubai")
        airport("DBO", name="Dubbo City Regional Airport", city="Dubbo", country="AU")
        airport("DBV", name="Dubrovnik Airport", city="Dubrovnik", country="HR")
        airport("QQD", name="Dubnica Airfield", city="Trencin", country="SK")  # name only
        airport("ADB", name="Adnan Menderes Airport", city="Izmir", country="TR")  # no match
        flight("EK", 1, "DXB", "LHR", dt.datetime(2030, 1, 20, 8, 15), 445, base="1", taxes="1")
        yield


def codes(airports) -> list[str]:
    return [a.iata_code for a in airports]


def test_the_code_first_then_airports_with_flights_then_cities_then_names():
    assert codes(airport_suggestions("dub")) == ["DUB", "DXB", "DWC", "DBO", "DBV", "QQD"]


def test_the_limit():
    assert codes(airport_suggestions("DUB", limit=3)) == ["DUB", "DXB", "DWC"]


def test_a_city_or_name_prefix_in_any_case():
    assert codes(airport_suggestions("DUBR")) == ["DBV"]
    assert codes(airport_suggestions("al mak")) == ["DWC"]


def test_a_code_is_found_only_whole():
    assert codes(airport_suggestions("DX")) == []
    assert codes(airport_suggestions("dxb")) == ["DXB"]


def test_nothing_for_an_empty_term():
    assert airport_suggestions("  ") == []


def test_wildcards_are_plain_characters():
    assert airport_suggestions("%") == []
    assert airport_suggestions("_ub") == []


def test_one_query():
    with CaptureQueriesContext(connection) as ctx:
        airport_suggestions("dub")

    assert len(ctx.captured_queries) == 1


def test_the_api_lists_code_name_city_and_country(api_client):
    response = api_client.get("/api/v1/flights/airports/", {"q": "dub", "limit": 2})

    assert response.status_code == 200
    assert response.json() == [
        {"iata_code": "DUB", "name": "Dublin Airport", "city": "Dublin", "country": "IE"},
        {
            "iata_code": "DXB",
            "name": "Dubai International Airport",
            "city": "Dubai",
            "country": "AE",
        },
    ]


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "d"}, {"q": " d "}])
def test_the_api_answers_an_empty_list_below_two_characters(api_client, query):
    response = api_client.get("/api/v1/flights/airports/", query)

    assert response.status_code == 200
    assert response.json() == []


def test_the_api_refuses_a_bad_limit(api_client):
    response = api_client.get("/api/v1/flights/airports/", {"q": "dub", "limit": 50})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "limit": ["Ensure this value is less than or equal to 20."]
    }


def test_the_form_gets_options_for_its_datalist_under_the_fields_own_name(client):
    # htmx sends the input's own name and value: ?origin=dub or ?destination=dub.
    response = client.get("/search/airports/", {"destination": "dub"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<option") == 6
    assert html.startswith(
        '<option value="DUB">Dublin · Dublin Airport (IE)</option>\n'
        '<option value="DXB">Dubai · Dubai International Airport (AE)</option>'
    )
    assert "<html" not in html


def test_the_options_are_escaped(client):
    airport("QQX", name="<b>Dubious</b> & Co", city="Dubious")

    html = client.get("/search/airports/", {"q": "dubious"}).content.decode().strip()

    assert html == '<option value="QQX">Dubious · &lt;b&gt;Dubious&lt;/b&gt; &amp; Co (AE)</option>'


def test_a_chosen_suggestion_is_accepted_by_the_search(client):
    with freeze_time(NOW):
        response = client.get(
            "/search/", {"origin": "DXB", "destination": "Dublin", "departure_date": "2030-01-20"}
        )

    assert response.status_code == 200
    assert '<h2 id="results-title">0 offers</h2>' in response.content.decode()
