"""Prices in the customer's currency: shown, held, charged and refunded in it, exactly."""

import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from bookings.models import Booking
from bookings.services import booking_cancel, booking_cancel_quote, booking_hold
from bookings.tests.test_booking_flow import adult, card
from core.exceptions import ApplicationError
from core.testing.inventory import airport, flight_with_fare
from flights.models import Fare
from flights.search import Passengers, Price, SearchQuery, flight_search, price_calendar
from payments.fx import exchange_rate_set, rates_cache_clear
from payments.models import ExchangeRate, Payment, SandboxCharge
from payments.services import booking_pay_by_card

pytestmark = pytest.mark.django_db

NOW = "2030-03-01 09:00:00"
DAY = dt.date(2030, 3, 10)
DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)


def rate(quote: str, value: str) -> None:
    ExchangeRate.objects.create(
        base="USD", quote=quote, rate=Decimal(value), source="file",
        fetched_at=dt.datetime(2030, 2, 28, tzinfo=dt.UTC),
    )  # fmt: skip
    rates_cache_clear()


ONE_ADULT = Passengers(1, 0, 0)


def search(currency: str, passengers: Passengers = ONE_ADULT):
    return flight_search(
        SearchQuery(origin=airport("DXB"), destination=airport("LHR"), departure_date=DAY,
                    passengers=passengers, currency=currency)
    )  # fmt: skip


@freeze_time(NOW)
def test_offers_are_priced_fare_by_fare_in_the_currency_asked_for():
    rate("AED", "3.6725")
    flight_with_fare("DXB", "LHR", DEPARTURE)  # 400.00 + 100.00 USD

    offer = search("AED", Passengers(2, 1, 1))[0]

    # 400 x 3.6725 = 1469.00 and 100 x 3.6725 = 367.25, then the usual shares of the base fare.
    assert offer.price == Price(
        currency="AED",
        adult=Decimal("1836.25"),
        child=Decimal("1469.00"),  # 1101.75 + 367.25
        infant=Decimal("514.15"),  # 146.90 + 367.25
        base=Decimal("4186.65"),  # 2 x 1469.00 + 1101.75 + 146.90
        taxes=Decimal("1469.00"),  # 4 x 367.25
        total=Decimal("5655.65"),
    )
    assert offer.total == offer.price.total


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("currency", "value", "adult"),
    [("KWD", "0.3068", "153.400"), ("JPY", "154.3", "77150"), ("USD", None, "500.00")],
)
def test_amounts_have_the_currencys_minor_unit(currency, value, adult):
    if value:
        rate(currency, value)
    flight_with_fare("DXB", "LHR", DEPARTURE)

    offer = search(currency)[0]

    assert str(offer.price.adult) == adult
    assert (offer.price.currency, str(offer.total)) == (currency, adult)
    assert price_calendar(
        SearchQuery(origin=airport("DXB"), destination=airport("LHR"), departure_date=DAY,
                    passengers=Passengers(1, 0, 0), currency=currency)
    )[3] == (DAY, Decimal(adult))  # fmt: skip


@freeze_time(NOW)
def test_a_customer_is_charged_and_refunded_in_their_currency_to_the_fils(customer):
    rate("AED", "3.6725")
    fare = flight_with_fare("DXB", "LHR", DEPARTURE, refundable=True, refund_fee="50.00")
    offer = search("AED", Passengers(2, 0, 0))[0]

    booking = booking_hold(
        customer=customer, offer_token=offer.token, passengers=[adult(), adult("Omar")],
        contact_email=customer.user.email,
    ).booking  # fmt: skip
    booking_pay_by_card(booking=booking, card=card(), idempotency_key="k")

    booking.refresh_from_db()
    assert (booking.currency, booking.total, booking.base_total, booking.taxes_total) == (
        "AED", Decimal("3672.50"), Decimal("2938.00"), Decimal("734.50"),
    )  # fmt: skip
    assert (booking.fare_currency, booking.exchange_rate) == ("USD", Decimal("3.6725"))
    segment = booking.segments.get()
    # 50 USD x 3.6725 = 183.625: to the even fils.
    assert (segment.adult_base, segment.adult_taxes, segment.refund_fee) == (
        Decimal("1469.00"), Decimal("367.25"), Decimal("183.62"),
    )  # fmt: skip
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency) == (Decimal("3672.50"), "AED")
    assert SandboxCharge.objects.get().amount == Decimal("3672.50")

    quote = booking_cancel_quote(booking=booking)
    # Fares less the fee for each passenger, and all taxes: 2 x (1469.00 - 183.62) + 734.50.
    assert (quote.refund, quote.fees, quote.currency) == (
        Decimal("3305.26"), Decimal("367.24"), "AED",
    )  # fmt: skip
    booking_cancel(booking=booking, quote_token=quote.token)
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_total) == (
        Booking.Status.CANCELLED,
        Decimal("3305.26"),
    )
    assert SandboxCharge.objects.get().refunded == Decimal("3305.26")
    assert Fare.objects.get(pk=fare.pk).seats_available == 9


@freeze_time(NOW)
def test_a_new_exchange_rate_is_a_new_price_the_customer_must_see_first(customer, admin_user):
    rate("AED", "3.6725")
    fare = flight_with_fare("DXB", "LHR", DEPARTURE)
    offer = search("AED")[0]
    exchange_rate_set(base="USD", quote="AED", rate=Decimal("3.7000"), user=admin_user)

    with pytest.raises(ApplicationError) as refused:
        booking_hold(
            customer=customer, offer_token=offer.token, passengers=[adult()],
            contact_email=customer.user.email,
        )  # fmt: skip

    assert refused.value.message == (
        "The price has changed from 1836.25 to 1850.00 AED. Review the new price."
    )
    assert Booking.objects.count() == 0
    assert Fare.objects.get(pk=fare.pk).seats_available == 9


@freeze_time(NOW)
def test_a_currency_without_a_rate_is_a_clear_error_not_a_crash():
    flight_with_fare("DXB", "LHR", DEPARTURE)

    with pytest.raises(ApplicationError) as refused:
        search("EGP")

    assert refused.value.message == "No exchange rate from USD to EGP is available."
