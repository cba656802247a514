"""Attribution of a booking to the partner's last click, and its commission's life."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import AffiliateClick, AffiliateCommission, AffiliatePartner
from b2c.services.referrals import (
    affiliate_booking_attribute,
    affiliate_booking_cancelled,
    affiliate_booking_completed,
    affiliate_booking_paid,
    affiliate_click_record,
)
from b2c.tests.referrals.helpers import booking_for
from bookings.models import Booking

pytestmark = pytest.mark.django_db
Status = AffiliateCommission.Status
CLICKED = "2030-03-01 12:00:00"


@pytest.fixture
def partner():
    return AffiliatePartner.objects.create(
        name="Travel Blog", code="travelblog", commission_rate=Decimal("0.0375")
    )


def click_at(moment: str, partner_code: str = "travelblog") -> AffiliateClick:
    with freeze_time(moment):
        return affiliate_click_record(
            partner_code=partner_code, landing_page="/", ip="198.51.100.4"
        )


def commissions():
    return list(AffiliateCommission.objects.order_by("id").values())


def test_a_booking_held_within_30_days_is_attributed(customer, partner):
    click = click_at(CLICKED)

    with freeze_time("2030-03-31 11:59:59"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        commission = affiliate_booking_attribute(booking=booking, click_token=str(click.token))

    assert (commission.partner, commission.click, commission.booking) == (partner, click, booking)
    assert (commission.rate, commission.amount, commission.currency) == (
        Decimal("0.0375"),
        Decimal("0"),
        "USD",
    )
    assert commission.status == Status.PENDING


def test_a_booking_after_30_days_is_not_attributed(customer, partner):
    click = click_at(CLICKED)

    with freeze_time("2030-03-31 12:00:01"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        assert affiliate_booking_attribute(booking=booking, click_token=str(click.token)) is None

    assert commissions() == []


@pytest.mark.parametrize("token", [None, "", "not-a-uuid", str(uuid.uuid4())])
def test_a_missing_bad_or_unknown_token_attributes_nothing(customer, partner, token):
    click_at(CLICKED)
    with freeze_time("2030-03-02"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        assert affiliate_booking_attribute(booking=booking, click_token=token) is None

    assert commissions() == []


def test_an_inactive_partner_earns_nothing(customer, partner):
    click = click_at(CLICKED)
    partner.is_active = False
    partner.save()

    with freeze_time("2030-03-02"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        assert affiliate_booking_attribute(booking=booking, click_token=str(click.token)) is None

    assert commissions() == []


def test_attribution_is_once_per_booking(customer, partner):
    first = click_at(CLICKED)
    other = AffiliatePartner.objects.create(
        name="Deals", code="deals", commission_rate=Decimal("0.0500")
    )
    second = click_at("2030-03-01 13:00:00", "deals")

    with freeze_time("2030-03-02"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        one = affiliate_booking_attribute(booking=booking, click_token=str(first.token))
        two = affiliate_booking_attribute(booking=booking, click_token=str(second.token))

    assert one == two
    assert AffiliateCommission.objects.get().partner == partner
    assert other.commissions.count() == 0


def test_the_rate_is_the_partners_rate_when_the_booking_was_held(customer, partner):
    click = click_at(CLICKED)
    with freeze_time("2030-03-02"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        affiliate_booking_attribute(booking=booking, click_token=str(click.token))
    partner.commission_rate = Decimal("0.1000")
    partner.save()

    assert affiliate_booking_paid(booking=booking).rate == Decimal("0.0375")


@pytest.mark.parametrize(
    ("currency", "base", "taxes", "discount", "expected"),
    [
        # 0.0375 × (500 − 50) = 16.875 → 16.88 (to even)
        ("USD", "400.00", "100.00", "50.00", Decimal("16.880")),
        # 0.0375 × 123.457 = 4.6296375 → 4.630 (three decimals)
        ("KWD", "100.000", "23.457", "0", Decimal("4.630")),
        # 0.0375 × 12345 = 462.9375 → 463 (no decimals)
        ("JPY", "12000", "345", "0", Decimal("463.000")),
    ],
)
def test_the_commission_is_the_rate_times_the_amount_paid(
    customer, partner, currency, base, taxes, discount, expected
):
    click = click_at(CLICKED)
    with freeze_time("2030-03-02"):
        booking = booking_for(
            customer,
            currency=currency,
            base=base,
            taxes=taxes,
            discount=discount,
            status=Booking.Status.HELD,
        )
        affiliate_booking_attribute(booking=booking, click_token=str(click.token))

    affiliate_booking_paid(booking=booking)

    commission = AffiliateCommission.objects.get()
    assert (commission.amount, commission.currency, commission.status) == (
        expected,
        currency,
        Status.PENDING,
    )


def attributed_and_paid(customer) -> Booking:
    click = click_at(CLICKED)
    with freeze_time("2030-03-02"):
        booking = booking_for(customer, status=Booking.Status.HELD)
        affiliate_booking_attribute(booking=booking, click_token=str(click.token))
        affiliate_booking_paid(booking=booking)
    return booking


def test_the_commission_is_earned_when_the_trip_is_flown(customer, partner):
    booking = attributed_and_paid(customer)

    with freeze_time("2030-03-20 08:00:00"):
        affiliate_booking_completed(booking=booking)
        affiliate_booking_completed(booking=booking)  # again: nothing more

    commission = AffiliateCommission.objects.get()
    assert (commission.status, commission.amount) == (Status.EARNED, Decimal("18.750"))
    assert commission.earned_at == dt.datetime(2030, 3, 20, 8, tzinfo=dt.UTC)
    assert commission.reversed_at is None


@pytest.mark.parametrize("flown_first", [False, True])
def test_a_cancellation_reverses_the_commission(customer, partner, flown_first):
    booking = attributed_and_paid(customer)
    if flown_first:
        affiliate_booking_completed(booking=booking)

    with freeze_time("2030-03-05 10:00:00"):
        affiliate_booking_cancelled(booking=booking)
    before = commissions()
    affiliate_booking_completed(booking=booking)  # a reversed commission is not earned again
    affiliate_booking_cancelled(booking=booking)

    commission = AffiliateCommission.objects.get()
    assert commission.status == Status.REVERSED
    assert commission.reversed_at == dt.datetime(2030, 3, 5, 10, tzinfo=dt.UTC)
    assert commissions() == before


def test_a_booking_without_a_commission_changes_nothing(customer, partner):
    booking = booking_for(customer)

    assert affiliate_booking_paid(booking=booking) is None
    assert affiliate_booking_completed(booking=booking) is None
    assert affiliate_booking_cancelled(booking=booking) is None
    assert commissions() == []
