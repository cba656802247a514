"""The booking API as a client uses it: search, hold, pay by card, read, cancel by quote; every
refusal changes nothing; retries with the same Idempotency-Key do the work once; another
customer's booking is not found and anonymous calls are refused."""

import datetime as dt
import logging
from decimal import Decimal

import pytest

# Imported before any test freezes the clock: DRF's throttles keep `time.time` as a class
# attribute, and one imported under freezegun would keep its fake clock as a method.
import rest_framework.throttling  # noqa: F401
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import bookings.services
from bookings.models import Booking
from bookings.services import PassengerDetails, booking_hold, bookings_expire_holds
from core.testing.api import INVALID, NOT_FOUND
from core.testing.inventory import flight_with_fare, offer_for
from flights.models import Fare
from payments.gateway import SandboxGateway
from payments.models import Payment, Refund, SandboxCard, SandboxCharge
from payments.services import booking_pay_by_card, card_tokenize

pytestmark = pytest.mark.django_db

NOW = "2030-03-01 09:00:00"
OUT_DAY, BACK_DAY = dt.date(2030, 3, 10), dt.date(2030, 3, 17)
OUTBOUND = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)  # 08:00 in Dubai
INBOUND = dt.datetime(2030, 3, 17, 9, 0, tzinfo=dt.UTC)  # 09:00 in London (GMT in March)
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
TIMEOUT_CARD = "4000000000000119"
SEARCH = "/api/v1/flights/search/"
BOOKINGS = "/api/v1/bookings/"
NOT_AUTHENTICATED = {
    "error": {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }
}


def invalid(**fields) -> dict:
    return {"error": {**INVALID, "fields": fields}}


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


@pytest.fixture
def fares(db):
    """DXB→LHR and back, refundable less 50.00 a passenger, 5 seats each."""
    return (
        flight_with_fare("DXB", "LHR", OUTBOUND, seats=5, refundable=True, refund_fee="50.00"),
        flight_with_fare(
            "LHR", "DXB", INBOUND, number=2, seats=5, refundable=True, refund_fee="50.00"
        ),
    )


@pytest.fixture
def other_api(other_customer):
    client = APIClient()
    client.force_authenticate(other_customer.user)
    return client


def seats(fares) -> list[int]:
    return [Fare.objects.get(pk=fare.pk).seats_available for fare in fares]


def search_offer(api, adults=2) -> str:
    response = api.get(
        SEARCH,
        {
            "origin": "DXB",
            "destination": "LHR",
            "departure_date": OUT_DAY.isoformat(),
            "return_date": BACK_DAY.isoformat(),
            "adults": adults,
        },
    )
    assert response.status_code == 200
    [offer] = response.json()["results"]
    return offer["token"]


def passenger(given_names="Layla", **overrides) -> dict:
    return {
        "type": "adult",
        "given_names": given_names,
        "surname": "Rahman",
        "date_of_birth": "1990-04-12",
        "gender": "female",
        "nationality": "BD",
        "passport_number": "BX1234567",
        "passport_country": "BD",
        "passport_expiry": "2034-01-01",
        **overrides,
    }


def two_adults() -> list[dict]:
    return [passenger(), passenger("Omar", gender="male", passport_number="BX7654321")]


def booking_body(offer, passengers=None, **overrides) -> dict:
    return {
        "offer": offer,
        "passengers": two_adults() if passengers is None else passengers,
        "contact_email": "layla@example.com",
        "contact_phone": "+971501234567",
        **overrides,
    }


def book(api, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post(BOOKINGS, body, format="json", **headers)


def pay(api, booking_id, key="pay-1", number=GOOD_CARD, **overrides):
    body = {"card_number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123", **overrides}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post(f"{BOOKINGS}{booking_id}/payments/", body, format="json", **headers)


def quote_for(api, booking_id) -> dict:
    response = api.get(f"{BOOKINGS}{booking_id}/cancellation-quote/")
    assert response.status_code == 200, response.json()
    return response.json()


def cancel(api, booking_id, quote):
    return api.post(f"{BOOKINGS}{booking_id}/cancellation/", {"quote": quote}, format="json")


@pytest.fixture
def held(customer_api, fares) -> dict:
    """A return trip for two adults, held through the API."""
    response = book(customer_api, booking_body(search_offer(customer_api)))
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def paid(customer_api, held) -> dict:
    response = pay(customer_api, held["id"])
    assert response.status_code == 201, response.json()
    return customer_api.get(f"{BOOKINGS}{held['id']}/").json()


# The whole loop --------------------------------------------------------------------------------


def test_search_book_pay_read_and_cancel_through_the_api_alone(customer_api, fares):
    offer = search_offer(customer_api)

    created = book(customer_api, booking_body(offer))

    assert created.status_code == 201
    booking = created.json()
    booking_id, reference = booking.pop("id"), booking.pop("reference")
    assert len(reference) == 6 and reference.isalnum() and reference.isupper()
    passengers = booking.pop("passengers")
    assert booking == {
        "status": "held",
        "held_until": "2030-03-01T09:15:00Z",
        "currency": "USD",
        "base_total": "1600.00",
        "taxes_total": "400.00",
        "total": "2000.00",
        "discount_total": "0.00",
        "amount_due": "2000.00",
        "voucher_code": None,
        "refunded_total": "0.00",
        "passenger_counts": {"adults": 2, "children": 0, "infants": 0},
        "contact_email": "layla@example.com",
        "contact_phone": "+971501234567",
        "departure_at": "2030-03-10T04:00:00Z",
        "created_at": "2030-03-01T09:00:00Z",
        "confirmed_at": None,
        "cancelled_at": None,
        "completed_at": None,
        "segments": [
            {
                "position": 0,
                "direction": "outbound",
                "flight": "EK1",
                "airline": {"code": "EK", "name": "Emirates"},
                "origin": "DXB",
                "destination": "LHR",
                "departure_local": "2030-03-10T08:00:00+04:00",
                "arrival_local": "2030-03-10T11:40:00+00:00",
                "duration_minutes": 460,
                "aircraft": "Boeing 777-300ER",
                "cabin": "economy",
                "brand": "Classic",
                "refundable": True,
            },
            {
                "position": 1,
                "direction": "inbound",
                "flight": "EK2",
                "airline": {"code": "EK", "name": "Emirates"},
                "origin": "LHR",
                "destination": "DXB",
                "departure_local": "2030-03-17T09:00:00+00:00",
                "arrival_local": "2030-03-17T20:40:00+04:00",
                "duration_minutes": 460,
                "aircraft": "Boeing 777-300ER",
                "cabin": "economy",
                "brand": "Classic",
                "refundable": True,
            },
        ],
        "payments": [],
    }
    assert passengers == [
        {**passenger(), "ticket_number": None},
        {**passenger("Omar", gender="male", passport_number="BX7654321"), "ticket_number": None},
    ]
    assert seats(fares) == [3, 3]

    paid = pay(customer_api, booking_id, key="7b1c3e0a-first-try")

    assert paid.status_code == 201
    payment = paid.json()
    payment_id = payment.pop("id")
    assert payment == {
        "booking": booking_id,
        "method": "card",
        "status": "captured",
        "amount": "2000.00",
        "refunded_amount": "0.00",
        "currency": "USD",
        "card_brand": "visa",
        "card_last4": "4242",
        "decline_message": None,
        "created_at": "2030-03-01T09:00:00Z",
    }
    assert SandboxCharge.objects.get().amount == Decimal("2000.000")

    confirmed = customer_api.get(f"{BOOKINGS}{booking_id}/").json()

    assert (confirmed["status"], confirmed["reference"]) == ("confirmed", reference)
    assert confirmed["confirmed_at"] == "2030-03-01T09:00:00Z"
    tickets = [p["ticket_number"] for p in confirmed["passengers"]]
    assert all(len(t) == 13 and t.isdigit() for t in tickets) and len(set(tickets)) == 2
    assert [(p["id"], p["status"]) for p in confirmed["payments"]] == [(payment_id, "captured")]

    quote = quote_for(customer_api, booking_id)

    token = quote.pop("quote")
    # Per flight: 2 × 400.00 fare less 2 × 50.00 fee, plus 2 × 100.00 taxes.
    assert quote == {
        "booking": booking_id,
        "refund": "1800.00",
        "fees": "200.00",
        "currency": "USD",
        "destination": "card",
        "to_wallet": "0.00",
        "to_card": "1800.00",
        "voucher_points": 0,
        "valid_until": "2030-03-01T09:15:00Z",
    }

    cancelled = cancel(customer_api, booking_id, token)
    again = cancel(customer_api, booking_id, token)  # a retry after a lost answer

    assert cancelled.status_code == again.status_code == 200
    assert cancelled.json() == again.json()
    body = cancelled.json()
    assert (body["status"], body["refunded_total"]) == ("cancelled", "1800.00")
    assert body["cancelled_at"] == "2030-03-01T09:00:00Z"
    assert [p["status"] for p in body["payments"]] == ["partially_refunded"]
    assert [r.amount for r in Refund.objects.all()] == [Decimal("1800.00")]
    assert SandboxCharge.objects.get().refunded == Decimal("1800.00")
    assert seats(fares) == [5, 5]


# Listing ---------------------------------------------------------------------------------------


def hold_and_pay(customer, index: int) -> Booking:
    booking = booking_hold(
        customer=customer,
        offer_token=offer_for("DXB", "LHR", OUT_DAY).token,
        passengers=[
            PassengerDetails(
                type="adult",
                given_names=f"Traveller {index}",
                surname="Rahman",
                date_of_birth=dt.date(1990, 4, 12),
                passport_number="BX1234567",
                passport_country="BD",
                passport_expiry=dt.date(2034, 1, 1),
            )
        ],
        contact_email="layla@example.com",
    ).booking
    card = card_tokenize(number=GOOD_CARD, exp_month=12, exp_year=2031, cvc="123")
    booking_pay_by_card(booking=booking, card=card, idempotency_key=f"k{index}")
    return booking


def test_the_list_is_the_customers_own_newest_first(customer_api, customer, other_customer, frozen):
    flight_with_fare("DXB", "LHR", OUTBOUND, seats=9)
    mine = []
    for index in range(3):
        mine.append(hold_and_pay(customer, index))
        frozen.tick(dt.timedelta(seconds=1))
    hold_and_pay(other_customer, 9)

    response = customer_api.get(BOOKINGS)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert [b["reference"] for b in body["results"]] == [b.reference for b in reversed(mine)]
    assert body["results"][0]["passengers"][0]["given_names"] == "Traveller 2"


def test_the_list_filters_by_status_and_refuses_an_unknown_one(customer_api, customer):
    flight_with_fare("DXB", "LHR", OUTBOUND, seats=9)
    paid = hold_and_pay(customer, 1)
    Booking.objects.filter(pk=paid.pk).update(status=Booking.Status.CANCELLED)
    hold_and_pay(customer, 2)

    cancelled = customer_api.get(BOOKINGS, {"status": "cancelled"}).json()
    unknown = customer_api.get(BOOKINGS, {"status": "lost"})

    assert [b["id"] for b in cancelled["results"]] == [paid.pk]
    assert unknown.status_code == 400
    assert unknown.json() == invalid(status=['"lost" is not a valid choice.'])


def test_the_list_costs_the_same_queries_for_1_and_30_bookings(customer_api, customer):
    flight_with_fare("DXB", "LHR", OUTBOUND, seats=60)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = customer_api.get(BOOKINGS)
        assert response.status_code == 200
        return len(captured)

    hold_and_pay(customer, 0)
    one = queries()
    for index in range(1, 30):
        hold_and_pay(customer, index)
    thirty = queries()

    assert thirty == one
    body = customer_api.get(BOOKINGS).json()
    assert (body["count"], len(body["results"])) == (30, 20)
    assert all(len(b["passengers"][0]["ticket_number"]) == 13 for b in body["results"])


# Refused holds change nothing ------------------------------------------------------------------


def assert_nothing_held(fares):
    assert seats(fares) == [5, 5]
    assert not Booking.objects.exists()


def test_an_expired_offer_is_refused(customer_api, fares, frozen):
    offer = search_offer(customer_api)
    frozen.tick(dt.timedelta(minutes=21))

    response = book(customer_api, booking_body(offer))

    assert response.status_code == 400
    assert response.json() == invalid(
        offer=["This price has expired. Search again to see current prices."]
    )
    assert_nothing_held(fares)


def test_a_changed_price_is_refused(customer_api, fares):
    offer = search_offer(customer_api)
    Fare.objects.filter(pk=fares[1].pk).update(base_fare=Decimal("450.00"))

    response = book(customer_api, booking_body(offer))

    assert response.status_code == 400
    assert response.json() == invalid(
        price=["The price has changed from 2000.00 to 2100.00 USD. Review the new price."]
    )
    assert_nothing_held(fares)


def test_too_few_seats_are_refused(customer_api, fares):
    offer = search_offer(customer_api)
    Fare.objects.filter(pk=fares[1].pk).update(seats_available=1)

    response = book(customer_api, booking_body(offer))

    assert response.status_code == 400
    assert response.json() == invalid(
        offer=["There are not enough seats left on this flight. Search again."]
    )
    assert seats(fares) == [5, 1]
    assert not Booking.objects.exists()


def test_passenger_problems_are_keyed_by_passenger(customer_api, fares):
    passengers = [
        passenger(),
        passenger("Omar", passport_expiry="2030-03-12"),
        passenger("Sara", date_of_birth="2025-01-01"),
    ]

    response = book(customer_api, booking_body(search_offer(customer_api), passengers))

    assert response.status_code == 400
    assert response.json() == invalid(
        passengers=["The passengers do not match the offer."],
        **{
            "passengers.1": ["The passport expires before the end of the trip."],
            "passengers.2": [
                "The date of birth does not match a passenger of this type on the travel dates."
            ],
        },
    )
    assert_nothing_held(fares)


BAD_BOOKINGS = {
    "empty": ({}, {
        "offer": ["This field is required."],
        "passengers": ["This field is required."],
        "contact_email": ["This field is required."],
    }),
    "passengers not a list": ({"passengers": "two adults"}, {
        "passengers": ['Expected a list of items but got type "str".'],
    }),
    "no passengers": ({"passengers": []}, {
        "passengers": ["This list may not be empty."],
    }),
    "a passenger not an object": ({"passengers": ["Layla"]}, {
        "passengers.0": ["Invalid data. Expected a dictionary, but got str."],
    }),
    "too many passengers": ({"passengers": [passenger()] * 19}, {
        "passengers": ["Ensure this field has no more than 18 elements."],
    }),
    "bad fields": ({"passengers": [
        passenger(),
        passenger(type="pilot", date_of_birth="12/04/1990", nationality="Narnia",
                  passport_number="BX 12", given_names=""),
    ]}, {
        "passengers.1.type": ['"pilot" is not a valid choice.'],
        "passengers.1.given_names": ["This field may not be blank."],
        "passengers.1.date_of_birth": [
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
        ],
        "passengers.1.nationality": ['"Narnia" is not a valid choice.'],
        "passengers.1.passport_number": [
            "A passport number has 6 to 9 capital letters and digits, without spaces."
        ],
    }),
    "born in the future": ({"passengers": [passenger(date_of_birth="2031-01-01")]}, {
        "passengers.0.date_of_birth": ["A date of birth cannot be in the future."],
    }),
    "bad contact": ({"contact_email": "layla", "contact_phone": "+9" * 11}, {
        "contact_email": ["Enter a valid email address."],
        "contact_phone": ["Ensure this field has no more than 20 characters."],
    }),
    "a forged offer": ({"offer": "eyJmIjpbMV19:forged"}, {
        "offer": ["This offer is not valid. Search again."],
    }),
}  # fmt: skip


@pytest.mark.parametrize(("change", "fields"), BAD_BOOKINGS.values(), ids=BAD_BOOKINGS.keys())
def test_bad_input_is_a_400_with_field_errors(customer_api, fares, change, fields):
    body = {**booking_body(search_offer(customer_api)), **change} if change else {}

    response = book(customer_api, body)

    assert response.status_code == 400
    assert response.json() == invalid(**fields)
    assert_nothing_held(fares)


@pytest.mark.parametrize(
    ("content", "kind"),
    [("[]", "list"), ('"a booking"', "str")],
)
def test_a_body_that_is_not_an_object_is_a_400(customer_api, fares, content, kind):
    response = customer_api.post(BOOKINGS, content, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == invalid(
        non_field_errors=[f"Invalid data. Expected a dictionary, but got {kind}."]
    )
    assert_nothing_held(fares)


def test_malformed_json_is_a_400(customer_api, fares):
    response = customer_api.post(BOOKINGS, '{"offer": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert_nothing_held(fares)


# Idempotent holds ------------------------------------------------------------------------------


def test_a_retried_hold_returns_the_same_booking(customer_api, fares, frozen):
    body = booking_body(search_offer(customer_api))

    first = book(customer_api, body, key="hold-1")
    second = book(customer_api, body, key="hold-1")
    held_seats = seats(fares)
    frozen.tick(dt.timedelta(minutes=30))  # the offer and the hold have expired since: no matter
    bookings_expire_holds()
    third = book(customer_api, body, key="hold-1")

    assert (first.status_code, second.status_code, third.status_code) == (201, 200, 200)
    assert first.json() == second.json()
    assert third.json()["id"] == first.json()["id"]
    assert third.json()["status"] == "expired"  # as the booking stands now
    assert Booking.objects.count() == 1
    assert Booking.objects.get().idempotency_key == "hold-1"
    assert held_seats == [3, 3]  # two passengers, held once
    assert seats(fares) == [5, 5]  # and released once by the expiry


def test_a_key_sent_again_with_another_body_is_refused(customer_api, fares):
    offer = search_offer(customer_api)
    first = book(customer_api, booking_body(offer), key="hold-1")

    response = book(customer_api, booking_body(offer, contact_email="omar@example.com"), "hold-1")

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "idempotency_key_reused",
            "message": "This Idempotency-Key was already used for a different request. "
            "Use a new key.",
            "fields": {},
        }
    }
    assert Booking.objects.count() == 1
    assert Booking.objects.get().contact_email == "layla@example.com"
    assert customer_api.get(f"{BOOKINGS}{first.json()['id']}/").json() == first.json()
    assert seats(fares) == [3, 3]


def test_a_retry_that_overtakes_the_first_request_answers_with_its_booking(
    customer_api, fares, monkeypatch
):
    """The retry holds while the first request is past its key check: the first's insert meets
    the key's unique constraint, its block rolls back (seat decrements included) and it answers
    the retry's booking. On PostgreSQL, test_booking_race runs this with real threads."""
    body = booking_body(search_offer(customer_api))
    retries = []
    reprice = bookings.services.offer_reprice

    def reprice_while_a_retry_holds(data):
        if not retries:
            retries.append(None)
            retries[0] = book(customer_api, body, key="hold-1")
        return reprice(data)

    monkeypatch.setattr(bookings.services, "offer_reprice", reprice_while_a_retry_holds)

    first = book(customer_api, body, key="hold-1")

    [retry] = retries
    assert (retry.status_code, first.status_code) == (201, 200)
    assert first.json() == retry.json()
    assert Booking.objects.count() == 1
    assert seats(fares) == [3, 3]


def test_a_refused_hold_frees_its_key(customer_api, fares):
    offer = search_offer(customer_api)
    expired_passport = [passenger(), passenger("Omar", passport_expiry="2030-01-01")]

    refused = book(customer_api, booking_body(offer, expired_passport), key="hold-1")
    fixed = book(customer_api, booking_body(offer), key="hold-1")

    assert (refused.status_code, fixed.status_code) == (400, 201)
    assert Booking.objects.count() == 1


def test_keys_belong_to_one_customer(customer_api, other_api, fares):
    mine = book(customer_api, booking_body(search_offer(customer_api)), key="hold-1")
    theirs = book(other_api, booking_body(search_offer(other_api)), key="hold-1")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert seats(fares) == [1, 1]


def test_a_malformed_key_is_refused(customer_api, fares):
    response = book(customer_api, booking_body(search_offer(customer_api)), key="k" * 51)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert_nothing_held(fares)


# Payments --------------------------------------------------------------------------------------


def assert_still_held(booking_id, fares):
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.HELD
    assert seats(fares) == [3, 3]


def test_a_payment_without_an_idempotency_key_is_refused(customer_api, held, fares):
    response = pay(customer_api, held["id"], key=None)

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "idempotency_key_missing",
            "message": "Send an Idempotency-Key header: a new unique value (such as a UUID) for "
            "each payment attempt, sent again unchanged when retrying the same attempt.",
            "fields": {},
        }
    }
    assert not SandboxCard.objects.exists()
    assert not Payment.objects.exists() and not SandboxCharge.objects.exists()
    assert_still_held(held["id"], fares)


def test_a_declined_card_is_a_402_and_the_seats_stay_held(customer_api, held, fares):
    declined = pay(customer_api, held["id"], key="try-1", number=DECLINED_CARD)
    repeated = pay(customer_api, held["id"], key="try-1", number=DECLINED_CARD)

    assert declined.status_code == repeated.status_code == 402
    body = declined.json()
    payment_id = body["payment"].pop("id")
    assert body == {
        "error": {
            "code": "card_declined",
            "message": "Your card was declined. Try another card.",
            "fields": {},
        },
        "payment": {
            "booking": held["id"],
            "method": "card",
            "status": "failed",
            "amount": "2000.00",
            "refunded_amount": "0.00",
            "currency": "USD",
            "card_brand": "visa",
            "card_last4": "0002",
            "decline_message": "Your card was declined. Try another card.",
            "created_at": "2030-03-01T09:00:00Z",
        },
    }
    assert repeated.json()["payment"]["id"] == payment_id
    assert SandboxCharge.objects.count() == 1
    assert_still_held(held["id"], fares)

    another_card = pay(customer_api, held["id"], key="try-2")

    assert another_card.status_code == 201
    assert Booking.objects.get(pk=held["id"]).status == Booking.Status.CONFIRMED


def test_a_repeated_payment_returns_the_same_payment_and_charges_once(customer_api, held):
    first = pay(customer_api, held["id"], key="pay-1")
    second = pay(customer_api, held["id"], key="pay-1")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Payment.objects.count() == 1
    assert SandboxCharge.objects.count() == 1


def test_an_unknown_gateway_outcome_is_a_202(customer_api, held, fares):
    first = pay(customer_api, held["id"], key="pay-1", number=TIMEOUT_CARD)
    again = pay(customer_api, held["id"], key="pay-1", number=TIMEOUT_CARD)

    assert first.status_code == again.status_code == 202
    assert first.json()["status"] == "unknown"
    assert first.json()["id"] == again.json()["id"]
    assert SandboxCharge.objects.count() == 1
    assert_still_held(held["id"], fares)  # until reconciliation settles it


@pytest.mark.parametrize(
    ("card", "fields"),
    [
        (
            {"number": "4242424242424241", "exp_year": 2029, "cvc": "12a"},
            {
                "card_number": ["Enter a valid card number."],
                "exp_month": ["The card has expired or the expiry date is not valid."],
                "cvc": ["Enter the 3 or 4 digits on the back of the card."],
            },
        ),
        (
            {"number": "", "exp_month": 13, "exp_year": "next year", "cvc": "12345"},
            {
                "card_number": ["This field may not be blank."],
                "exp_month": ["Ensure this value is less than or equal to 12."],
                "exp_year": ["A valid integer is required."],
                "cvc": ["Ensure this field has no more than 4 characters."],
            },
        ),
    ],
    ids=["refused by the checks", "not card details"],
)
def test_bad_card_details_are_a_400_and_nothing_is_charged(customer_api, held, fares, card, fields):
    response = pay(customer_api, held["id"], **card)

    assert response.status_code == 400
    assert response.json() == invalid(**fields)
    assert not Payment.objects.exists() and not SandboxCharge.objects.exists()
    assert_still_held(held["id"], fares)


def test_a_hold_that_ran_out_cannot_be_paid(customer_api, held, fares, frozen):
    frozen.tick(dt.timedelta(minutes=16))

    response = pay(customer_api, held["id"])

    assert response.status_code == 400
    assert response.json() == invalid(
        non_field_errors=["The seats were released after 15 minutes without payment. Search again."]
    )
    assert not Payment.objects.exists() and not SandboxCharge.objects.exists()


def test_a_paid_booking_is_not_paid_again_with_a_new_key(customer_api, paid):
    response = pay(customer_api, paid["id"], key="pay-2")

    assert response.status_code == 400
    assert response.json() == invalid(non_field_errors=["This booking is not awaiting payment."])
    assert Payment.objects.count() == 1
    assert SandboxCharge.objects.count() == 1


def test_a_hold_that_runs_out_during_the_charge_is_refunded_and_a_409(
    customer_api, held, fares, monkeypatch
):
    charge = SandboxGateway.charge

    def charge_while_the_hold_expires(gateway, **kwargs):
        result = charge(gateway, **kwargs)
        bookings_expire_holds(now=dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC))
        return result

    monkeypatch.setattr(SandboxGateway, "charge", charge_while_the_hold_expires)

    response = pay(customer_api, held["id"])

    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "hold_expired"
    assert (body["payment"]["status"], body["payment"]["refunded_amount"]) == (
        "refunded",
        "2000.00",
    )
    assert Booking.objects.get(pk=held["id"]).status == Booking.Status.EXPIRED
    assert SandboxCharge.objects.get().refunded == Decimal("2000.000")
    assert seats(fares) == [5, 5]


def test_the_card_number_is_never_answered_logged_or_stored(customer_api, held, caplog):
    caplog.set_level(logging.DEBUG)
    numbers = [DECLINED_CARD, "4242424242424241", GOOD_CARD]

    with CaptureQueriesContext(connection) as queries:
        responses = [
            pay(customer_api, held["id"], key=f"pay-{i}", number=n) for i, n in enumerate(numbers)
        ]
        responses.append(customer_api.get(f"{BOOKINGS}{held['id']}/"))

    assert [r.status_code for r in responses] == [402, 400, 201, 200]
    for number in numbers:
        assert all(number not in r.content.decode() for r in responses)
        assert number not in caplog.text
        assert all(number not in q["sql"] for q in queries.captured_queries)


# Cancellation refusals -------------------------------------------------------------------------


def assert_still_confirmed(booking_id, fares):
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.CONFIRMED
    assert seats(fares) == [3, 3]
    assert not Refund.objects.exists()


def test_an_unpaid_booking_has_no_cancellation_quote(customer_api, held):
    response = customer_api.get(f"{BOOKINGS}{held['id']}/cancellation-quote/")

    assert response.status_code == 400
    assert response.json() == invalid(
        non_field_errors=["Only a confirmed booking can be cancelled."]
    )


@pytest.mark.parametrize(
    ("quote", "fields"),
    [
        ("forged", {"quote": ["This cancellation quote has expired. Ask for a new one."]}),
        ("", {"quote": ["This field may not be blank."]}),
        (None, {"quote": ["This field may not be null."]}),
    ],
)
def test_a_bad_quote_cancels_nothing(customer_api, paid, fares, quote, fields):
    response = cancel(customer_api, paid["id"], quote)

    assert response.status_code == 400
    assert response.json() == invalid(**fields)
    assert_still_confirmed(paid["id"], fares)


def test_an_expired_quote_cancels_nothing(customer_api, paid, fares, frozen):
    token = quote_for(customer_api, paid["id"])["quote"]
    frozen.tick(dt.timedelta(minutes=16))

    response = cancel(customer_api, paid["id"], token)

    assert response.status_code == 400
    assert response.json() == invalid(
        quote=["This cancellation quote has expired. Ask for a new one."]
    )
    assert_still_confirmed(paid["id"], fares)


def test_another_bookings_quote_cancels_nothing(customer_api, paid, fares):
    Fare.objects.filter(pk__in=[f.pk for f in fares]).update(seats_available=7)
    other = book(customer_api, booking_body(search_offer(customer_api))).json()
    pay(customer_api, other["id"], key="pay-other")
    token = quote_for(customer_api, other["id"])["quote"]

    response = cancel(customer_api, paid["id"], token)

    assert response.status_code == 400
    assert response.json() == invalid(non_field_errors=["This quote is for another booking."])
    assert Booking.objects.get(pk=paid["id"]).status == Booking.Status.CONFIRMED
    assert not Refund.objects.exists()
    assert seats(fares) == [5, 5]


# Only the owner --------------------------------------------------------------------------------


def owner_only_requests(booking_id):
    return [
        ("get", f"{BOOKINGS}{booking_id}/", None),
        ("post", f"{BOOKINGS}{booking_id}/payments/",
         {"card_number": GOOD_CARD, "exp_month": 12, "exp_year": 2031, "cvc": "123"}),
        ("get", f"{BOOKINGS}{booking_id}/cancellation-quote/", None),
        ("post", f"{BOOKINGS}{booking_id}/cancellation/", {"quote": "anything"}),
    ]  # fmt: skip


def test_another_customers_booking_is_not_found(other_api, held, fares):
    for method, url, payload in owner_only_requests(held["id"]):
        response = getattr(other_api, method)(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="k")

        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND
    assert other_api.get(BOOKINGS).json()["count"] == 0
    assert not Payment.objects.exists() and not SandboxCharge.objects.exists()
    assert_still_held(held["id"], fares)


def test_an_unknown_booking_is_not_found(customer_api, db):
    for method, url, payload in owner_only_requests(99999):
        response = getattr(customer_api, method)(url, payload, format="json")

        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND


def test_anonymous_calls_are_refused_with_401(held, fares):
    anonymous = APIClient()
    requests = [
        *owner_only_requests(held["id"]),
        ("get", BOOKINGS, None),
        ("post", BOOKINGS, {"offer": "x"}),
    ]
    for method, url, payload in requests:
        response = getattr(anonymous, method)(url, payload, format="json")

        assert response.status_code == 401, url
        assert response.json() == NOT_AUTHENTICATED
        assert response["WWW-Authenticate"] == "Token"
    assert Booking.objects.count() == 1
    assert not Payment.objects.exists()
    assert_still_held(held["id"], fares)


def test_a_token_or_a_session_signs_in(customer, held):
    api_client = APIClient()  # `held` was made with a client authenticated by force
    token = Token.objects.create(user=customer.user)

    by_token = api_client.get(BOOKINGS, HTTP_AUTHORIZATION=f"Token {token.key}")
    api_client.force_login(customer.user)
    by_session = api_client.get(BOOKINGS)

    assert by_token.status_code == by_session.status_code == 200
    [mine] = by_token.json()["results"]
    assert mine["id"] == held["id"]
    assert by_session.json()["results"] == [mine]


# The schema ------------------------------------------------------------------------------------


def test_the_schema_documents_the_booking_api(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    methods = {
        "/api/v1/bookings/": {"get", "post"},
        "/api/v1/bookings/{booking_id}/": {"get"},
        "/api/v1/bookings/{booking_id}/payments/": {"post"},
        "/api/v1/bookings/{booking_id}/cancellation-quote/": {"get"},
        "/api/v1/bookings/{booking_id}/cancellation/": {"post"},
    }
    for path, expected in methods.items():
        assert set(paths[path]) - {"parameters"} == expected, path
    payment = paths["/api/v1/bookings/{booking_id}/payments/"]["post"]
    [header] = [p for p in payment["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("Idempotency-Key", True)
    assert set(payment["responses"]) == {"200", "201", "202", "400", "402", "404", "409", "422"}
    hold = paths["/api/v1/bookings/"]["post"]
    [header] = [p for p in hold["parameters"] if p["in"] == "header"]
    assert (header["name"], header.get("required", False)) == ("Idempotency-Key", False)
    assert set(hold["responses"]) == {"200", "201", "400", "422"}
