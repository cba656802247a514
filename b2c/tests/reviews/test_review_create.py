import datetime as dt

import pytest
from django.utils import timezone

from b2c.models import Review, ReviewAggregate
from b2c.services.reviews import review_create, review_subject_key
from b2c.tests.reviews.helpers import GOOD_TEXT, completed_booking, snapshot
from bookings.models import Booking
from core.exceptions import ApplicationError
from core.testing.inventory import airline, airport

pytestmark = pytest.mark.django_db


def flight_review(customer, **fields):
    values = {
        "customer": customer,
        "subject_kind": "flight",
        "airline_code": "EK",
        "origin": "DXB",
        "destination": "LHR",
        "rating": 4,
        "title": "Smooth night flight",
        "text": GOOD_TEXT,
    }
    values.update(fields)
    return review_create(**values)


@pytest.fixture
def route(db):
    airline("EK")
    airline("BA")
    for code in ("DXB", "LHR", "SHJ"):
        airport(code)


def test_subject_keys():
    key = review_subject_key(
        subject_kind="flight", airline_code="ek", origin="dxb", destination="lhr"
    )
    assert key == "flight:EK:DXB-LHR"
    assert (
        review_subject_key(subject_kind="hotel", subject_name="  Atlantis   The\tPALM ")
        == "hotel:atlantis the palm"
    )
    assert review_subject_key(subject_kind="package", subject_name="Dubai Week") == (
        "package:dubai week"
    )


def test_verified_from_a_completed_booking(customer):
    # 22:30 UTC on 1 March is 02:30 on 2 March in Dubai: the travel date is the local one.
    booking = completed_booking(customer)

    review = flight_review(
        customer, booking_id=booking.pk, comfort=5, service=4, value=3, punctuality=2
    )

    review.refresh_from_db()
    assert review.verified_purchase is True
    assert review.booking_id == booking.pk
    # The trip is its local travel date, as for an unverified review; the booking is kept.
    assert review.trip_key == "date:2026-03-02"
    assert review.travel_date == dt.date(2026, 3, 2)
    assert review.subject_key == "flight:EK:DXB-LHR"
    assert (review.airline.iata_code, review.origin.iata_code, review.destination.iata_code) == (
        "EK",
        "DXB",
        "LHR",
    )
    assert (review.rating, review.comfort, review.service, review.value, review.punctuality) == (
        4,
        5,
        4,
        3,
        2,
    )
    assert review.status == Review.Status.PUBLISHED
    assert review.held_reason == ""
    assert review.published_at is not None
    agg = {a.subject_key: a for a in ReviewAggregate.objects.all()}
    assert set(agg) == {"flight:EK:DXB-LHR", "airline:EK"}
    assert (agg["airline:EK"].review_count, agg["airline:EK"].rating_total) == (1, 4)
    assert agg["flight:EK:DXB-LHR"].count_4 == 1


def test_unverified_with_a_travel_date(customer, route):
    review = flight_review(customer, travel_date=dt.date(2026, 1, 5))

    assert review.verified_purchase is False
    assert review.booking_id is None
    assert review.trip_key == "date:2026-01-05"
    assert review.travel_date == dt.date(2026, 1, 5)


def test_hotel_review(customer):
    review = review_create(
        customer=customer,
        subject_kind="hotel",
        subject_name="Atlantis  The Palm",
        travel_date="2026-02-10",
        rating=5,
        title="Lovely stay",
        text=GOOD_TEXT,
    )
    assert (review.subject_key, review.subject_name, review.airline_id) == (
        "hotel:atlantis the palm",
        "Atlantis The Palm",
        None,
    )
    assert ReviewAggregate.objects.get().subject_key == "hotel:atlantis the palm"


def test_text_is_stored_plain_without_control_characters(customer, route):
    review = flight_review(
        customer,
        travel_date=dt.date(2026, 1, 5),
        title="Good\x00 <b>flight</b>\u0007",
        text="<script>alert(1)</script>\x1b[31m" + GOOD_TEXT + "\r\nSecond line\x08",
    )
    review.refresh_from_db()
    assert review.title == "Good <b>flight</b>"
    assert review.text == "<script>alert(1)</script>[31m" + GOOD_TEXT + "\nSecond line"


def _refused(customer, message, **fields):
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        flight_review(customer, **fields)
    assert refused.value.message == message
    assert snapshot() == before
    return refused.value


def test_booking_not_completed_is_refused(customer):
    booking = completed_booking(customer, completed=False)
    error = _refused(
        customer,
        "You can review a booking once its trip has been completed.",
        booking_id=booking.pk,
    )
    assert list(error.extra) == ["booking_id"]


def test_cancelled_booking_is_refused(customer):
    booking = completed_booking(customer, status=Booking.Status.CANCELLED)
    _refused(
        customer,
        "You can review a booking once its trip has been completed.",
        booking_id=booking.pk,
    )


def test_someone_elses_booking_is_refused(customer, other_customer):
    booking = completed_booking(other_customer)
    _refused(customer, "We could not find that booking among your trips.", booking_id=booking.pk)
    # Not kept as an unverified review either, even with a date.
    _refused(
        customer,
        "We could not find that booking among your trips.",
        booking_id=booking.pk,
        travel_date=dt.date(2026, 1, 5),
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"airline_code": "BA"}, "This booking has no BA flight from DXB to LHR."),
        ({"destination": "SHJ"}, "This booking has no EK flight from DXB to SHJ."),
        (
            {"origin": "LHR", "destination": "DXB"},
            "This booking has no EK flight from LHR to DXB.",
        ),
    ],
)
def test_booking_of_another_subject_is_refused(customer, route, fields, message):
    booking = completed_booking(customer)
    _refused(customer, message, booking_id=booking.pk, **fields)


def test_hotel_cannot_be_verified_by_a_booking(customer):
    booking = completed_booking(customer)
    before = snapshot()
    with pytest.raises(ApplicationError, match="Only a flight review can be verified"):
        review_create(
            customer=customer,
            subject_kind="hotel",
            subject_name="Atlantis",
            booking_id=booking.pk,
            rating=5,
            title="Lovely stay",
            text=GOOD_TEXT,
        )
    assert snapshot() == before


def test_future_date_is_refused(customer, route):
    future = timezone.now().date() + dt.timedelta(days=3)
    error = _refused(
        customer, "You can review a trip only after you have travelled.", travel_date=future
    )
    assert error.extra == {"travel_date": ["You can review a trip only after you have travelled."]}


def test_missing_date_is_refused(customer, route):
    _refused(customer, "Tell us when you travelled.")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "4.5"}, "rating"),
        ({"rating": True}, "rating"),
        ({"comfort": 0}, "comfort"),
        ({"punctuality": 6}, "punctuality"),
    ],
)
def test_ratings_out_of_range_are_refused(customer, route, fields, field):
    error = _refused(
        customer,
        "A rating is a whole number from 1 to 5.",
        travel_date=dt.date(2026, 1, 5),
        **fields,
    )
    assert list(error.extra) == [field]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Hi"}, "Give your review a title of at least 3 characters."),
        ({"title": "x" * 121}, "The title can be at most 120 characters."),
        ({"text": "   "}, "Write your review."),
        ({"text": "x" * 5001}, "A review can be at most 5000 characters."),
        ({"airline_code": "ZZ"}, "Choose the airline you flew with."),
        ({"origin": "QQQ"}, "Unknown airport QQQ."),
        ({"destination": "DXB"}, "The destination must differ from the origin."),
        ({"subject_kind": "train"}, "Choose what you are reviewing."),
        ({"language": "xx"}, "Choose one of the site's languages."),
    ],
)
def test_bad_input_is_refused(customer, route, fields, message):
    _refused(customer, message, travel_date=dt.date(2026, 1, 5), **fields)


def test_second_review_of_the_same_trip_is_refused(customer):
    booking = completed_booking(customer)
    flight_review(customer, booking_id=booking.pk)
    _refused(customer, "You have already reviewed this trip.", booking_id=booking.pk, rating=1)


def test_second_review_of_the_same_date_is_refused(customer, route):
    flight_review(customer, travel_date=dt.date(2026, 1, 5))
    _refused(customer, "You have already reviewed this trip.", travel_date=dt.date(2026, 1, 5))
    # Another trip on the same route is another review.
    flight_review(customer, travel_date=dt.date(2026, 1, 9))
    assert Review.objects.filter(customer=customer).count() == 2


def test_unverified_review_of_a_trip_already_reviewed_verified_is_refused(customer):
    # The booking's flight left DXB at 02:30 local time on 2 March.
    booking = completed_booking(customer)
    flight_review(customer, booking_id=booking.pk)

    _refused(
        customer, "You have already reviewed this trip.", travel_date=dt.date(2026, 3, 2), rating=1
    )
    assert Review.objects.filter(customer=customer).count() == 1


def test_verified_review_of_a_trip_already_reviewed_unverified_is_refused(customer):
    booking = completed_booking(customer)
    flight_review(customer, travel_date=dt.date(2026, 3, 2))

    _refused(customer, "You have already reviewed this trip.", booking_id=booking.pk, rating=1)
    assert list(Review.objects.values_list("verified_purchase", "booking_id")) == [(False, None)]
