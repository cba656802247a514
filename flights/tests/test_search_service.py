"""flights.search on a small hand-built inventory: which offers, at what price, in what order."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import signing
from freezegun import freeze_time

from flights.models import Airline, Airport, Cabin, Fare, Flight
from flights.search import (
    Filters,
    Passengers,
    SearchQuery,
    flight_search,
    offer_token_read,
    price_calendar,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 3, 10)
UTC = dt.UTC


def airport(code, city, tz, lat, lon, country):
    return Airport.objects.create(
        iata_code=code,
        name=f"{city} Airport",
        city=city,
        country=country,
        time_zone=tz,
        latitude=lat,
        longitude=lon,
    )


@pytest.fixture
def world():
    ek = Airline.objects.create(iata_code="EK", name="Emirates", country="AE")
    ba = Airline.objects.create(iata_code="BA", name="British Airways", country="GB")
    return {
        "ek": ek,
        "ba": ba,
        "DXB": airport("DXB", "Dubai", "Asia/Dubai", 25.25, 55.36, "AE"),
        "LHR": airport("LHR", "London", "Europe/London", 51.47, -0.46, "GB"),
        "IST": airport("IST", "Istanbul", "Europe/Istanbul", 41.26, 28.74, "TR"),
        "JFK": airport("JFK", "New York", "America/New_York", 40.64, -73.78, "US"),
    }


def flight(airline, number, origin, destination, departure, minutes, distance=5500, **fare):
    f = Flight.objects.create(
        airline=airline,
        number=number,
        origin=origin,
        destination=destination,
        departure_at=departure,
        arrival_at=departure + dt.timedelta(minutes=minutes),
        aircraft="Boeing 777-300ER",
        distance_km=distance,
    )
    Fare.objects.create(
        flight=f,
        cabin=fare.get("cabin", Cabin.ECONOMY),
        brand=fare.get("brand", "Classic"),
        base_fare=fare.get("base", Decimal("400.00")),
        taxes=fare.get("taxes", Decimal("100.00")),
        currency="USD",
        seats_available=fare.get("seats", 9),
        checked_baggage_kg=23,
    )
    return f


def query(world, origin="DXB", destination="LHR", **kw):
    return SearchQuery(
        origin=world[origin],
        destination=world[destination],
        departure_date=kw.pop("date", DAY),
        passengers=kw.pop("passengers", Passengers(1, 0, 0)),
        **kw,
    )


@freeze_time("2030-03-01")
def test_direct_offers_match_cabin_seats_and_the_local_day(world):
    dxb, lhr, ek, ba = world["DXB"], world["LHR"], world["ek"], world["ba"]
    # 01:30 in Dubai on the 10th is 21:30 UTC on the 9th: still the 10th for the traveller.
    early = flight(ek, 1, dxb, lhr, dt.datetime(2030, 3, 9, 21, 30, tzinfo=UTC), 460)
    flight(ek, 2, dxb, lhr, dt.datetime(2030, 3, 10, 21, 30, tzinfo=UTC), 460)  # the 11th locally
    flight(ba, 3, dxb, lhr, dt.datetime(2030, 3, 10, 4, 0, tzinfo=UTC), 460, seats=1)
    flight(ba, 4, dxb, lhr, dt.datetime(2030, 3, 10, 6, 0, tzinfo=UTC), 460, cabin=Cabin.BUSINESS)

    offers = flight_search(query(world, passengers=Passengers(2, 0, 0)))

    assert [o.journeys[0].legs[0].flight_id for o in offers] == [early.pk]
    leg = offers[0].journeys[0].legs[0]
    assert leg.departure_local.strftime("%Y-%m-%d %H:%M") == "2030-03-10 01:30"
    assert leg.arrival_local.strftime("%Y-%m-%d %H:%M") == "2030-03-10 05:10"


@freeze_time("2030-03-01")
def test_prices_cover_every_passenger(world):
    flight(world["ek"], 1, world["DXB"], world["LHR"], dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 460)

    offer = flight_search(query(world, passengers=Passengers(2, 1, 1)))[0]

    # adult 400 + 100; child 75% of base + taxes = 400; infant 10% + taxes = 140
    assert (offer.price.adult, offer.price.child, offer.price.infant) == (
        Decimal("500.00"),
        Decimal("400.00"),
        Decimal("140.00"),
    )
    assert offer.price.total == Decimal("1540.00")
    assert offer.price.base == Decimal("1140.00")
    assert offer.price.taxes == Decimal("400.00")
    assert offer_token_read(offer.token) == {
        "f": offer.fare_ids,
        "j": [1],
        "p": [2, 1, 1],
        "t": "1540.00",
        "c": "USD",
    }


@freeze_time("2030-03-01")
def test_connections_need_60_minutes_to_24_hours_and_no_detour(world):
    dxb, ist, lhr, jfk, ek = world["DXB"], world["IST"], world["LHR"], world["JFK"], world["ek"]
    first = flight(ek, 10, dxb, ist, dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 300, 3000)
    ok = flight(ek, 11, ist, lhr, first.arrival_at + dt.timedelta(minutes=90), 240, 2500)
    flight(ek, 12, ist, lhr, first.arrival_at + dt.timedelta(minutes=45), 240, 2500)
    flight(ek, 13, ist, lhr, first.arrival_at + dt.timedelta(hours=25), 240, 2500)
    via_new_york = flight(ek, 20, dxb, jfk, dt.datetime(2030, 3, 10, 5, tzinfo=UTC), 840, 11000)
    flight(ek, 21, jfk, lhr, via_new_york.arrival_at + dt.timedelta(hours=3), 420, 5500)

    offers = flight_search(query(world))

    assert [[leg.flight_id for leg in o.journeys[0].legs] for o in offers] == [[first.pk, ok.pk]]
    assert offers[0].journeys[0].connections == [("IST", dt.timedelta(minutes=90))]
    assert offers[0].stops == 1


@freeze_time("2030-03-01")
def test_sorting_and_filters(world):
    dxb, lhr, ek, ba = world["DXB"], world["LHR"], world["ek"], world["ba"]
    cheap_slow = flight(ek, 1, dxb, lhr, dt.datetime(2030, 3, 10, 8, tzinfo=UTC), 500)
    dear_fast = flight(
        ba, 2, dxb, lhr, dt.datetime(2030, 3, 10, 2, tzinfo=UTC), 420, base=Decimal("600")
    )

    def ids(**kw):
        return [o.journeys[0].legs[0].flight_id for o in flight_search(query(world), **kw)]

    assert ids(sort="price") == [cheap_slow.pk, dear_fast.pk]
    assert ids(sort="duration") == [dear_fast.pk, cheap_slow.pk]
    assert ids(sort="departure") == [dear_fast.pk, cheap_slow.pk]
    assert ids(filters=Filters(airlines=frozenset({"BA"}))) == [dear_fast.pk]
    assert ids(filters=Filters(max_price=Decimal("500"))) == [cheap_slow.pk]
    # Dubai local: 06:00 and 12:00.
    assert ids(filters=Filters(depart_after=dt.time(10, 0))) == [cheap_slow.pk]


@freeze_time("2030-03-01")
def test_return_trips_pair_journeys_that_fit_together(world):
    dxb, lhr, ek = world["DXB"], world["LHR"], world["ek"]
    out = flight(ek, 1, dxb, lhr, dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 460)
    back = flight(
        ek, 2, lhr, dxb, dt.datetime(2030, 3, 17, 9, tzinfo=UTC), 420, base=Decimal("300")
    )
    flight(ek, 3, lhr, dxb, dt.datetime(2030, 3, 17, 12, tzinfo=UTC), 420, brand="Flex")

    offers = flight_search(query(world, return_date=dt.date(2030, 3, 17)))

    assert [[j.legs[0].flight_id for j in o.journeys] for o in offers] == [[out.pk, back.pk]]
    assert offers[0].price.total == Decimal("900.00")


@freeze_time("2030-03-08")
def test_price_calendar_shows_the_lowest_price_per_day_and_nothing_in_the_past(world):
    dxb, lhr, ek = world["DXB"], world["LHR"], world["ek"]
    flight(ek, 1, dxb, lhr, dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 460)
    flight(ek, 2, dxb, lhr, dt.datetime(2030, 3, 11, 4, tzinfo=UTC), 460, base=Decimal("250"))
    flight(ek, 3, dxb, lhr, dt.datetime(2030, 3, 11, 9, tzinfo=UTC), 460, base=Decimal("350"))

    calendar = price_calendar(query(world))

    assert calendar == [
        (dt.date(2030, 3, 7), None),
        (dt.date(2030, 3, 8), None),
        (dt.date(2030, 3, 9), None),
        (dt.date(2030, 3, 10), Decimal("500.00")),
        (dt.date(2030, 3, 11), Decimal("350.00")),
        (dt.date(2030, 3, 12), None),
        (dt.date(2030, 3, 13), None),
    ]


def test_offer_tokens_expire_after_20_minutes_and_cannot_be_forged(world):
    from flights.search import Price, offer_token

    price = Price("USD", *(Decimal("1"),) * 6)
    with freeze_time("2030-03-01 10:00:00") as clock:
        token = offer_token([1, 2], Passengers(1, 0, 0), price)
        clock.tick(dt.timedelta(minutes=19))
        assert offer_token_read(token)["f"] == [1, 2]
        clock.tick(dt.timedelta(minutes=2))
        with pytest.raises(signing.SignatureExpired):
            offer_token_read(token)
    with pytest.raises(signing.BadSignature):
        offer_token_read(token[:-2] + "xx")


@freeze_time("2030-03-01")
def test_co2_estimate_per_passenger(world):
    flight(world["ek"], 1, world["DXB"], world["LHR"], dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 460)
    flight(
        world["ek"],
        2,
        world["DXB"],
        world["LHR"],
        dt.datetime(2030, 3, 10, 6, tzinfo=UTC),
        460,
        cabin=Cabin.BUSINESS,
    )

    economy = flight_search(query(world))[0]
    business = flight_search(query(world, cabin=Cabin.BUSINESS))[0]

    assert economy.journeys[0].co2_kg == 572  # 5,500 km x 0.104 kg
    assert business.journeys[0].co2_kg == 1658  # x 2.9 for the space a business seat takes


@freeze_time("2030-03-01")
def test_a_later_onward_flight_is_offered_only_when_it_is_cheaper(world):
    dxb, ist, lhr, ek = world["DXB"], world["IST"], world["LHR"], world["ek"]
    first = flight(ek, 10, dxb, ist, dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 300, 3000)
    lands = first.arrival_at
    soon = flight(ek, 11, ist, lhr, lands + dt.timedelta(hours=2), 240, 2500)
    # Later and dearer than `soon`: a longer wait for nothing, never offered.
    flight(ek, 12, ist, lhr, lands + dt.timedelta(hours=5), 240, 2500, base=Decimal("450"))
    # Later at the same price: no saving either.
    flight(ek, 13, ist, lhr, lands + dt.timedelta(hours=6), 240, 2500)
    # Later but cheaper: worth the wait to some.
    cheaper = flight(
        ek, 14, ist, lhr, lands + dt.timedelta(hours=9), 240, 2500, base=Decimal("300")
    )

    offers = flight_search(query(world))

    assert [[leg.flight_id for leg in o.journeys[0].legs] for o in offers] == [
        [first.pk, cheaper.pk],
        [first.pk, soon.pk],
    ]
    assert [o.price.total for o in offers] == [Decimal("900.00"), Decimal("1000.00")]


@freeze_time("2030-03-01")
def test_the_airline_filter_follows_airlines_added_after_a_search(world):
    dxb, lhr = world["DXB"], world["LHR"]
    flight(world["ek"], 1, dxb, lhr, dt.datetime(2030, 3, 10, 4, tzinfo=UTC), 460)
    assert len(flight_search(query(world))) == 1  # airlines are now remembered by the process

    qr = Airline.objects.create(iata_code="QR", name="Qatar Airways", country="QA")
    qatar = flight(qr, 7, dxb, lhr, dt.datetime(2030, 3, 10, 6, tzinfo=UTC), 460)

    offers = flight_search(query(world), filters=Filters(airlines=frozenset({"QR"})))
    assert [o.journeys[0].legs[0].flight_id for o in offers] == [qatar.pk]
    assert offers[0].journeys[0].legs[0].airline_name == "Qatar Airways"


@pytest.mark.parametrize("return_days", [None, 6])
@pytest.mark.parametrize("passengers", [Passengers(1, 0, 0), Passengers(2, 1, 1)])
def test_the_price_calendar_is_the_cheapest_search_result_of_each_day(return_days, passengers):
    """The calendar searches a week at once; it must agree with a search a day."""
    from flights.schedule import schedule_generate
    from flights.services import airlines_load, airports_load

    airlines_load()
    airports_load()
    start = dt.date.today() + dt.timedelta(days=1)
    schedule_generate(days=16, routes_count=40, start=start)
    dxb, lhr = Airport.objects.get(iata_code="DXB"), Airport.objects.get(iata_code="LHR")
    day = start + dt.timedelta(days=4)
    trip = SearchQuery(
        origin=dxb,
        destination=lhr,
        departure_date=day,
        passengers=passengers,
        return_date=day + dt.timedelta(days=return_days) if return_days else None,
    )

    calendar = price_calendar(trip)

    expected = []
    for offset in range(-3, 4):
        shifted = SearchQuery(
            origin=dxb,
            destination=lhr,
            departure_date=day + dt.timedelta(days=offset),
            passengers=passengers,
            return_date=trip.return_date + dt.timedelta(days=offset) if return_days else None,
        )
        offers = flight_search(shifted)
        expected.append((shifted.departure_date, offers[0].price.total if offers else None))
    assert calendar == expected
    assert sum(total is not None for _day, total in calendar) == 7
