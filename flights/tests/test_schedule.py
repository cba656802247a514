import datetime as dt

import pytest
from django.db.models import F

from flights.models import Airport, Fare, Flight
from flights.schedule import block_minutes, great_circle_km, schedule_generate
from flights.services import airlines_load, airports_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data():
    airlines_load()
    airports_load()


def test_distances_and_block_times_follow_the_great_circle(reference_data):
    dxb, lhr = Airport.objects.get(iata_code="DXB"), Airport.objects.get(iata_code="LHR")

    assert great_circle_km(dxb, lhr) == 5498
    assert block_minutes(5498) == 430  # 7 h 10 min gate to gate


def test_the_schedule_is_deterministic_and_idempotent(reference_data):
    start = dt.date(2030, 1, 6)

    created = schedule_generate(days=2, start=start)
    first = list(
        Fare.objects.order_by(
            "flight__departure_at", "flight__airline__iata_code", "flight__number", "brand"
        ).values_list(
            "flight__airline__iata_code",
            "flight__number",
            "flight__departure_at",
            "brand",
            "base_fare",
        )
    )
    again = schedule_generate(days=2, start=start)
    Flight.objects.all().delete()
    schedule_generate(days=2, start=start)
    regenerated = list(
        Fare.objects.order_by(
            "flight__departure_at", "flight__airline__iata_code", "flight__number", "brand"
        ).values_list(
            "flight__airline__iata_code",
            "flight__number",
            "flight__departure_at",
            "brand",
            "base_fare",
        )
    )

    assert created[0] > 100 and created[1] > created[0]
    assert again == (0, 0)
    assert regenerated == first
    assert not Flight.objects.filter(arrival_at__lte=F("departure_at")).exists()
