import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import CustomerWallet, TravelAlert
from b2c.selectors.wallet import ledgers_verify
from b2c.services.travel_alerts import (
    TravelAlertNotFound,
    travel_alert_accept,
    travel_alert_refund,
)
from b2c.tests.travel_alerts.helpers import (
    ARRIVAL,
    DAY,
    DEPARTURE,
    NOW,
    flight_fare,
    paid_booking,
)
from bookings.models import Booking
from core.exceptions import ApplicationError
from flights.models import Fare, Flight
from payments.models import Payment, Refund, SandboxCharge

pytestmark = pytest.mark.django_db

State = TravelAlert.State
LATER = dt.timedelta(hours=2)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def fare(db):
    return flight_fare()  # non-refundable: 400 + 100 taxes


def change_flight(fare, **changes) -> None:
    flight = Flight.objects.get(pk=fare.flight_id)
    for field, value in (changes or {"departure_at": DEPARTURE + LATER}).items():
        setattr(flight, field, value)
    if "departure_at" in changes or not changes:
        flight.arrival_at = ARRIVAL + (flight.departure_at - DEPARTURE)
    flight.save()


def alert_of(booking) -> TravelAlert:
    return TravelAlert.objects.get(booking=booking, state=State.AWAITING)


def state_of(booking) -> tuple:
    """What a refused answer must leave as it was."""
    booking = Booking.objects.get(pk=booking.pk)
    return (
        booking.status,
        booking.refunded_total,
        list(Refund.objects.values_list("pk", "amount")),
        list(TravelAlert.objects.values_list("pk", "state", "answered_at")),
        Fare.objects.get(segments__booking=booking).seats_available,
        list(CustomerWallet.objects.values_list("pk", "balance")),
    )


# Accepting -------------------------------------------------------------------------------------


def test_accepting_keeps_the_booking_and_records_the_answer(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)

    accepted = travel_alert_accept(customer=customer, alert_id=alert.pk)

    assert (accepted.pk, accepted.state) == (alert.pk, State.ACCEPTED)
    assert accepted.answered_at == dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert Refund.objects.count() == 0


def test_accepting_again_answers_the_same_accepted_alert(customer, fare, frozen):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    travel_alert_accept(customer=customer, alert_id=alert.pk)
    frozen.tick(dt.timedelta(minutes=5))

    again = travel_alert_accept(customer=customer, alert_id=alert.pk)

    assert (again.state, again.answered_at) == (
        State.ACCEPTED,
        dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC),
    )


def test_another_customers_alert_is_not_found_and_stays_unanswered(customer, other_customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    before = state_of(booking)

    with pytest.raises(TravelAlertNotFound):
        travel_alert_accept(customer=other_customer, alert_id=alert.pk)
    with pytest.raises(TravelAlertNotFound):
        travel_alert_refund(customer=other_customer, alert_id=alert.pk)
    with pytest.raises(TravelAlertNotFound):
        travel_alert_accept(customer=customer, alert_id=alert.pk + 100)

    assert state_of(booking) == before


def test_a_superseded_change_cannot_be_accepted(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    first = alert_of(booking)
    change_flight(fare, departure_at=DEPARTURE + 2 * LATER)
    before = state_of(booking)

    with pytest.raises(ApplicationError) as refused:
        travel_alert_accept(customer=customer, alert_id=first.pk)

    assert refused.value.message == "A later change replaced this one: answer the latest alert."
    assert state_of(booking) == before


def test_a_cancelled_flight_cannot_be_accepted(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare, status=Flight.Status.CANCELLED)
    alert = alert_of(booking)
    before = state_of(booking)

    with pytest.raises(ApplicationError) as refused:
        travel_alert_accept(customer=customer, alert_id=alert.pk)

    assert refused.value.message == (
        "This flight was cancelled: cancel your booking for a full refund."
    )
    assert state_of(booking) == before


# Cancelling for a full refund ------------------------------------------------------------------


def test_a_non_refundable_fare_is_refunded_in_full_to_the_card(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)

    refunded = travel_alert_refund(customer=customer, alert_id=alert.pk)

    assert (refunded.pk, refunded.state) == (alert.pk, State.REFUNDED)
    assert refunded.answered_at == dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC)
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_total) == (
        Booking.Status.CANCELLED,
        Decimal("500.000"),
    )
    refund = Refund.objects.get()
    assert (refund.destination, refund.amount, refund.status, refund.reason) == (
        Refund.Destination.CARD,
        Decimal("500.000"),
        Refund.Status.SUCCEEDED,
        "flight_change",
    )
    assert SandboxCharge.objects.get().refunded == Decimal("500.000")
    assert Fare.objects.get(pk=fare.pk).seats_available == 9  # the seat is back


def test_a_wallet_and_card_split_returns_each_part_where_it_came_from(customer, fare):
    booking = paid_booking(customer, wallet="200.00")
    change_flight(fare)

    travel_alert_refund(customer=customer, alert_id=alert_of(booking).pk)

    refunds = {r.destination: (r.amount, r.status) for r in Refund.objects.all()}
    assert refunds == {
        Refund.Destination.WALLET: (Decimal("200.000"), Refund.Status.SUCCEEDED),
        Refund.Destination.CARD: (Decimal("300.000"), Refund.Status.SUCCEEDED),
    }
    assert CustomerWallet.objects.get(customer=customer).balance == Decimal("200.000")
    assert SandboxCharge.objects.get().refunded == Decimal("300.000")
    assert ledgers_verify() == []


def test_the_card_part_can_go_to_the_wallet(customer, fare):
    booking = paid_booking(customer, wallet="200.00")
    change_flight(fare)

    travel_alert_refund(customer=customer, alert_id=alert_of(booking).pk, refund_to="wallet")

    assert CustomerWallet.objects.get(customer=customer).balance == Decimal("500.000")
    assert SandboxCharge.objects.get().refunded == Decimal("0.000")


def test_a_cancelled_flight_is_refunded_in_full(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare, status=Flight.Status.CANCELLED)

    alert = travel_alert_refund(customer=customer, alert_id=alert_of(booking).pk)

    assert alert.state == State.REFUNDED
    assert Booking.objects.get(pk=booking.pk).refunded_total == Decimal("500.000")


def test_asking_again_answers_the_same_refunded_alert(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    travel_alert_refund(customer=customer, alert_id=alert.pk)

    again = travel_alert_refund(customer=customer, alert_id=alert.pk)

    assert (again.pk, again.state) == (alert.pk, State.REFUNDED)
    assert Refund.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).refunded_total == Decimal("500.000")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("accepted", "You have already accepted this change."),
        ("superseded", "A later change replaced this one: answer the latest alert."),
    ],
)
def test_an_answered_or_replaced_alert_cannot_be_refunded(customer, fare, answer, message):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    if answer == "accepted":
        travel_alert_accept(customer=customer, alert_id=alert.pk)
    else:
        change_flight(fare, departure_at=DEPARTURE + 2 * LATER)
    before = state_of(booking)

    with pytest.raises(ApplicationError) as refused:
        travel_alert_refund(customer=customer, alert_id=alert.pk)

    assert refused.value.message == message
    assert state_of(booking) == before
    assert Payment.objects.get().refunded_amount == Decimal("0.000")


def test_a_started_trip_cannot_be_refunded(customer, fare, frozen):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    frozen.move_to(DEPARTURE + LATER)
    before = state_of(booking)

    with pytest.raises(ApplicationError) as refused:
        travel_alert_refund(customer=customer, alert_id=alert.pk)

    assert refused.value.message == "This trip has started and can no longer be cancelled online."
    assert state_of(booking) == before


def test_a_booking_no_longer_confirmed_cannot_be_refunded(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    before = state_of(booking)

    with pytest.raises(ApplicationError) as refused:
        travel_alert_refund(customer=customer, alert_id=alert.pk)

    assert refused.value.message == "Only a confirmed booking can be cancelled."
    assert state_of(booking) == before


def test_an_unknown_refund_destination_is_refused(customer, fare):
    booking = paid_booking(customer)
    change_flight(fare)
    alert = alert_of(booking)
    before = state_of(booking)

    with pytest.raises(ApplicationError) as refused:
        travel_alert_refund(customer=customer, alert_id=alert.pk, refund_to="cash")

    assert "refund_to" in refused.value.extra
    assert state_of(booking) == before


def test_a_voucher_booking_gets_back_all_it_paid_and_the_voucher_points(customer, fare):
    from b2c.models import Customer, CustomerReward, LoyaltyTransaction, Reward
    from b2c.services.loyalty import loyalty_points_grant, reward_redeem
    from b2c.tests.loyalty.helpers import program
    from bookings.tests.test_booking_flow import card, hold
    from core.testing.inventory import offer_for
    from payments.services import booking_pay

    program()
    loyalty_points_grant(customer=customer, points=2500, reason="Welcome", idempotency_key="w")
    reward = Reward.objects.create(
        name="USD 25 off", kind=Reward.Kind.DISCOUNT_VOUCHER, points_cost=2000,
        value_amount=Decimal(25), value_currency="USD",
    )  # fmt: skip
    used = reward_redeem(customer=customer, reward_id=reward.pk, idempotency_key="r1")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(
        booking=booking, idempotency_key="k1", card=card(), voucher_code=used.customer_reward.code
    )
    change_flight(fare)

    travel_alert_refund(customer=customer, alert_id=alert_of(booking).pk)

    # 475 paid by card comes back whole (the fare is non-refundable); the voucher's 25 as its
    # 2,000 points.
    assert SandboxCharge.objects.get().refunded == Decimal("475.000")
    assert Booking.objects.get(pk=booking.pk).refunded_total == Decimal("475.000")
    assert CustomerReward.objects.get(pk=used.customer_reward.pk).state == "cancelled"
    back = LoyaltyTransaction.objects.get(kind=LoyaltyTransaction.Kind.REVERSE)
    assert back.points == 2000
    assert Customer.objects.get(pk=customer.pk).points_balance == 2500
