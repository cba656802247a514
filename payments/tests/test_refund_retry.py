"""Refunds the gateway refuses or does not answer stay owed: they are sent again on a schedule with
their first key, settle once, and are given up with one email to staff after the last attempt."""

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from io import StringIO
from typing import ClassVar

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from freezegun import freeze_time

from bookings.models import Booking, Passenger
from bookings.services import (
    PassengerDetails,
    booking_cancel,
    booking_cancel_quote,
    booking_hold,
)
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory, UserFactory
from core.testing.inventory import flight_with_fare, offer_for
from payments import services
from payments.gateway import SandboxGateway
from payments.models import Payment, Refund, SandboxCard, SandboxCharge
from payments.services import (
    booking_pay_by_card,
    booking_refund,
    card_tokenize,
    payments_reconcile,
    refund_retry_schedule,
    refunds_retry,
)
from payments.tasks import retry_refunds

NOW = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)
DAY = dt.date(2030, 3, 10)
REFUNDS_DECLINED = "4000000000005126"
REFUNDS_DECLINED_TWICE = "4000000000005134"
REFUND_TIMES_OUT = "4000000000005142"
NOTHING = {"refunded": 0, "retrying": 0, "given_up": 0}
MINUTE, HOUR = dt.timedelta(minutes=1), dt.timedelta(hours=1)


def paid_booking(customer, number):
    """A confirmed booking of 500.00 USD (one adult: 400 fare, 100 taxes), paid with `number`."""
    booking = booking_hold(
        customer=customer,
        offer_token=offer_for("DXB", "LHR", DAY).token,
        contact_email=customer.user.email,
        passengers=[PassengerDetails(
            type=Passenger.Type.ADULT, given_names="Layla", surname="Rahman",
            date_of_birth=dt.date(1990, 4, 12), passport_number="BX1234567",
            passport_country="BD", passport_expiry=dt.date(2034, 1, 1),
        )],
    ).booking  # fmt: skip
    card = card_tokenize(number=number, exp_month=12, exp_year=2031, cvc="123")
    payment = booking_pay_by_card(booking=booking, card=card, idempotency_key="pay").payment
    assert payment.status == Payment.Status.CAPTURED
    return Booking.objects.get(pk=booking.pk)


def refund_all(booking):
    [refund] = booking_refund(booking=booking, amount=Decimal("500.00"), reason="cancellation")
    return refund


def state(refund):
    refund.refresh_from_db()
    return (refund.status, refund.attempts, refund.next_attempt_at, refund.last_error)


def money(booking):
    """What Safar has recorded as returned: on the payment and on the booking."""
    payment = booking.payments.get()
    booking = Booking.objects.get(pk=booking.pk)
    return (payment.status, payment.refunded_amount, booking.refunded_total)


@pytest.fixture
def fare(db):
    return flight_with_fare("DXB", "LHR", DEPARTURE, seats=20)


@pytest.fixture
def staff_alerts(settings):
    settings.ADMINS = [("Safar operations", "ops@safar.example")]
    settings.EMAIL_SUBJECT_PREFIX = "[Safar] "


# Retried on schedule, settled once


def test_a_declined_cancellation_refund_is_retried_and_settles_once(customer, fare):
    with freeze_time(NOW) as clock:
        booking = paid_booking(customer, REFUNDS_DECLINED_TWICE)
        quote = booking_cancel_quote(booking=booking)  # the fare is not refundable: the taxes
        booking = booking_cancel(booking=booking, quote_token=quote.token)
        refund = Refund.objects.get()

        assert (booking.status, quote.refund) == (Booking.Status.CANCELLED, Decimal("100.00"))
        assert state(refund) == (Refund.Status.RETRYING, 1, NOW + 5 * MINUTE, "refund_declined")
        assert money(booking) == (Payment.Status.CAPTURED, Decimal("0.000"), Decimal("0.000"))

        clock.move_to(NOW + 5 * MINUTE)
        assert refunds_retry() == {"refunded": 0, "retrying": 1, "given_up": 0}
        assert state(refund) == (Refund.Status.RETRYING, 2, NOW + 35 * MINUTE, "refund_declined")

        clock.move_to(NOW + 35 * MINUTE)
        assert refunds_retry() == {"refunded": 1, "retrying": 0, "given_up": 0}
        assert refunds_retry() == NOTHING
        clock.move_to(NOW + 30 * HOUR)
        assert refunds_retry() == NOTHING

    charge = SandboxCharge.objects.get()
    assert state(refund) == (Refund.Status.SUCCEEDED, 3, None, "refund_declined")
    assert refund.gateway_refund_id == charge.refund_keys[refund.idempotency_key]
    assert money(booking) == (
        Payment.Status.PARTIALLY_REFUNDED, Decimal("100.000"), Decimal("100.000")
    )  # fmt: skip
    # One refund at the gateway, after two declined requests, all with the first key.
    assert charge.refunded == Decimal("100.000")
    assert list(charge.refund_keys) == [refund.idempotency_key]
    assert charge.refund_declines == {refund.idempotency_key: 2}
    # A repeated cancellation or refund call changes nothing more.
    again = booking_refund(booking=booking, amount=Decimal("100.00"), reason="cancellation")
    assert again == [refund]
    assert Refund.objects.count() == 1


def test_a_refund_the_gateway_made_before_timing_out_is_settled_by_the_retry_not_made_again(
    customer, fare
):
    with freeze_time(NOW) as clock:
        booking = paid_booking(customer, REFUND_TIMES_OUT)
        refund = refund_all(booking)
        charge = SandboxCharge.objects.get()

        # The money left at the gateway, but Safar did not hear it: still owed, not yet counted.
        assert state(refund) == (
            Refund.Status.RETRYING, 1, NOW + 5 * MINUTE,
            "no answer: The gateway timed out after refunding.",
        )  # fmt: skip
        assert charge.refunded == Decimal("500.000")
        assert money(booking) == (Payment.Status.CAPTURED, Decimal("0.000"), Decimal("0.000"))

        clock.move_to(NOW + 5 * MINUTE)
        assert refunds_retry() == {"refunded": 1, "retrying": 0, "given_up": 0}
        assert refunds_retry() == NOTHING

    charge.refresh_from_db()
    assert state(refund)[:3] == (Refund.Status.SUCCEEDED, 2, None)
    assert money(booking) == (Payment.Status.REFUNDED, Decimal("500.000"), Decimal("500.000"))
    assert charge.refunded == Decimal("500.000")
    assert charge.refund_keys == {refund.idempotency_key: refund.gateway_refund_id}


def test_a_refund_whose_first_answer_was_lost_is_sent_again_after_its_time_in_flight(
    customer, fare
):
    with freeze_time(NOW) as clock:
        booking = paid_booking(customer, "4242424242424242")
        # What payment_refund records before it calls the gateway; then the process died.
        refund = Refund.objects.create(
            payment=booking.payments.get(), amount=Decimal("500.00"), currency="USD",
            idempotency_key="refund:lost", reason="cancellation", attempts=1,
            next_attempt_at=NOW + 5 * MINUTE,
        )  # fmt: skip

        clock.move_to(NOW + 4 * MINUTE)
        assert refunds_retry() == NOTHING  # its request may still be under way
        clock.move_to(NOW + 5 * MINUTE)
        assert refunds_retry() == {"refunded": 1, "retrying": 0, "given_up": 0}

    assert state(refund)[:3] == (Refund.Status.SUCCEEDED, 2, None)
    assert money(booking) == (Payment.Status.REFUNDED, Decimal("500.000"), Decimal("500.000"))
    assert SandboxCharge.objects.get().refund_keys == {"refund:lost": refund.gateway_refund_id}


def test_a_refund_not_yet_due_is_not_touched(customer, fare):
    with freeze_time(NOW) as clock:
        refund = refund_all(paid_booking(customer, REFUNDS_DECLINED))
        before = Refund.objects.values().get(pk=refund.pk)

        clock.move_to(NOW + 5 * MINUTE - dt.timedelta(seconds=1))
        assert refunds_retry() == NOTHING

    assert Refund.objects.values().get(pk=refund.pk) == before
    assert SandboxCharge.objects.get().refund_declines == {refund.idempotency_key: 1}


# The schedule, giving up, and the one email to staff


def test_the_backoff_is_exact_and_the_last_failure_alerts_staff_once(
    customer, fare, staff_alerts, mailoutbox, django_capture_on_commit_callbacks
):
    schedule = []
    with freeze_time(NOW) as clock:
        booking = paid_booking(customer, REFUNDS_DECLINED)
        refund = refund_all(booking)
        schedule.append(state(refund)[:3])
        with django_capture_on_commit_callbacks(execute=True):
            while refund.next_attempt_at is not None:
                clock.move_to(refund.next_attempt_at - dt.timedelta(seconds=1))
                assert refunds_retry() == NOTHING
                clock.move_to(refund.next_attempt_at)
                refunds_retry()
                schedule.append(state(refund)[:3])

        assert schedule == [
            (Refund.Status.RETRYING, 1, NOW + 5 * MINUTE),
            (Refund.Status.RETRYING, 2, NOW + 35 * MINUTE),
            (Refund.Status.RETRYING, 3, NOW + 2 * HOUR + 35 * MINUTE),
            (Refund.Status.RETRYING, 4, NOW + 8 * HOUR + 35 * MINUTE),
            (Refund.Status.RETRYING, 5, NOW + 32 * HOUR + 35 * MINUTE),
            (Refund.Status.FAILED, 6, None),
        ]
        assert len(mailoutbox) == 1

        # Later runs leave a given-up refund alone: no request, no second email.
        clock.move_to(NOW + 30 * 24 * HOUR)
        with django_capture_on_commit_callbacks(execute=True):
            assert refunds_retry() == NOTHING

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ops@safar.example"]
    assert message.subject == f"[Safar] Refund given up: booking {booking.reference}, 500.00 USD"
    assert message.body == (
        f"The gateway did not return refund {refund.pk} after 6 attempts, and Safar has stopped "
        "retrying it. The customer is still owed the money.\n"
        "\n"
        f"Booking: {booking.reference}\n"
        "Amount: 500.00 USD\n"
        f"Refund: {refund.pk}\n"
        "Last error: refund_declined\n"
        f"Admin: /admin/payments/refund/{refund.pk}/change/\n"
        "\n"
        'Find out why with the gateway, then use "Retry now" in the admin.\n'
    )
    assert "4000" not in message.body and "5126" not in message.body  # no card data
    assert money(booking) == (Payment.Status.CAPTURED, Decimal("0.000"), Decimal("0.000"))
    charge = SandboxCharge.objects.get()
    assert (charge.refunded, charge.refund_keys) == (Decimal("0.000"), {})
    assert charge.refund_declines == {refund.idempotency_key: 6}


def give_up(refund, clock):
    while refund.next_attempt_at is not None:
        clock.move_to(refund.next_attempt_at)
        refunds_retry()
        refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED


# Staff: the admin and "Retry now"


RETRY_LATER = NOW + 40 * HOUR


def test_retry_now_in_the_admin_schedules_a_given_up_refund_and_records_who(
    customer, fare, admin_client, admin_user
):
    with freeze_time(NOW) as clock:
        refund = refund_all(paid_booking(customer, REFUNDS_DECLINED))
        give_up(refund, clock)
        clock.move_to(RETRY_LATER)
        admin_client.force_login(admin_user)  # a session that is current at this time

        owed = admin_client.get("/admin/payments/refund/?owed=staff")
        response = admin_client.post(
            "/admin/payments/refund/", {"action": "retry_now", "_selected_action": [refund.pk]}
        )

    assert owed.status_code == 200
    assert [r.pk for r in owed.context["cl"].result_list] == [refund.pk]
    assert response.status_code == 302
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_attempt_at) == (
        Refund.Status.RETRYING, 6, RETRY_LATER
    )  # fmt: skip
    assert (refund.retry_requested_by, refund.retry_requested_at) == (admin_user, RETRY_LATER)
    assert refund.last_error == "refund_declined"  # the gateway's word is kept
    page = admin_client.get("/admin/payments/refund/?owed=all")
    assert [str(m) for m in page.context["messages"]] == [
        "1 refund will be sent again within 5 minutes."
    ]
    assert admin_client.get(f"/admin/payments/refund/{refund.pk}/change/").status_code == 200


def test_retry_now_then_runs_once_more_and_gives_up_with_a_new_email(
    customer, fare, staff_alerts, mailoutbox, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    with freeze_time(NOW) as clock:
        refund = refund_all(paid_booking(customer, REFUNDS_DECLINED))
        with django_capture_on_commit_callbacks(execute=True):
            give_up(refund, clock)
            clock.move_to(RETRY_LATER)
            refund_retry_schedule(refund=refund, user=staff)
            assert refunds_retry() == {"refunded": 0, "retrying": 0, "given_up": 1}

    assert state(refund) == (Refund.Status.FAILED, 7, None, "refund_declined")
    assert len(mailoutbox) == 2  # one per giving up: the schedule's, then the staff retry's


def test_retry_now_can_settle_a_refund_once_the_gateway_takes_it(
    customer, fare, admin_client, admin_user
):
    with freeze_time(NOW) as clock:
        booking = paid_booking(customer, REFUNDS_DECLINED)
        refund = refund_all(booking)
        give_up(refund, clock)
        # The card issuer fixed it: the gateway now takes this card's refunds.
        SandboxCard.objects.update(behaviour="success")
        clock.move_to(RETRY_LATER)
        admin_client.force_login(admin_user)
        admin_client.post(
            "/admin/payments/refund/", {"action": "retry_now", "_selected_action": [refund.pk]}
        )
        assert refunds_retry() == {"refunded": 1, "retrying": 0, "given_up": 0}

    assert state(refund)[:3] == (Refund.Status.SUCCEEDED, 7, None)
    assert money(booking) == (Payment.Status.REFUNDED, Decimal("500.000"), Decimal("500.000"))


def test_retry_now_leaves_refunds_that_are_not_owed_or_already_in_flight(
    customer, fare, admin_client, admin_user
):
    with freeze_time(NOW):
        admin_client.force_login(admin_user)
        done = refund_all(paid_booking(customer, "4242424242424242"))
        pending = Refund.objects.create(
            payment=paid_booking(CustomerFactory(), "4242424242424242").payments.get(),
            amount=Decimal("1.00"), currency="USD", idempotency_key="refund:in-flight",
            attempts=1, next_attempt_at=NOW + 5 * MINUTE,
        )  # fmt: skip
        before = list(Refund.objects.order_by("pk").values())

        response = admin_client.post(
            "/admin/payments/refund/",
            {"action": "retry_now", "_selected_action": [done.pk, pending.pk]},
            follow=True,
        )
        with pytest.raises(ApplicationError, match="Only a refund that is retrying"):
            refund_retry_schedule(refund=done, user=None)

    assert [str(m) for m in response.context["messages"]] == [
        "2 refunds were left as they are: only retrying or given-up refunds can be retried."
    ]
    assert list(Refund.objects.order_by("pk").values()) == before


def test_people_who_are_not_staff_cannot_retry_refunds(customer, fare, client):
    with freeze_time(NOW) as clock:
        refund = refund_all(paid_booking(customer, REFUNDS_DECLINED))
        give_up(refund, clock)
        before = Refund.objects.values().get(pk=refund.pk)
        action = {"action": "retry_now", "_selected_action": [refund.pk]}

        client.force_login(customer.user)
        as_customer = client.post("/admin/payments/refund/", action)
        client.force_login(UserFactory(is_staff=True))  # staff, without payment permissions
        as_other_staff = client.post("/admin/payments/refund/", action)

    assert as_customer.status_code == 302
    assert as_customer["Location"].startswith("/admin/login/")
    assert as_other_staff.status_code == 403
    assert Refund.objects.values().get(pk=refund.pk) == before


# The beat task, the command and reconciliation


def test_the_task_and_the_command_run_the_retries(customer, fare):
    assert settings.CELERY_BEAT_SCHEDULE["retry-refunds"] == {
        "task": "payments.tasks.retry_refunds",
        "schedule": 300.0,
    }
    out = StringIO()
    with freeze_time(NOW) as clock:
        first = refund_all(paid_booking(customer, REFUNDS_DECLINED_TWICE))
        second = refund_all(paid_booking(CustomerFactory(), REFUNDS_DECLINED_TWICE))
        clock.move_to(NOW + 5 * MINUTE)
        by_task = retry_refunds.delay().get()
        clock.move_to(NOW + 35 * MINUTE)
        call_command("retry_refunds", stdout=out)
        again = retry_refunds.delay().get()

    assert by_task == {"refunded": 0, "retrying": 2, "given_up": 0}
    assert out.getvalue() == "refunded: 2, retrying: 0, given_up: 0\n"
    assert again == NOTHING
    assert {state(first)[0], state(second)[0]} == {Refund.Status.SUCCEEDED}


def test_reconciliation_sends_due_refunds_through_the_same_schedule(customer, fare):
    with freeze_time(NOW) as clock:
        refund = refund_all(paid_booking(customer, REFUND_TIMES_OUT))
        clock.move_to(NOW + 5 * MINUTE)
        first = payments_reconcile()
        again = payments_reconcile()

    assert (first, again) == (
        {"settled": 0, "failed": 0, "refunds_retried": 1},
        {"settled": 0, "failed": 0, "refunds_retried": 0},
    )
    assert state(refund)[:2] == (Refund.Status.SUCCEEDED, 2)


# Two workers at once (PostgreSQL)


class CountingGateway(SandboxGateway):
    """The sandbox, counting the refund requests it is sent (PAYMENT_GATEWAY in a test)."""

    refunds: ClassVar[list[str]] = []
    lock = threading.Lock()

    def refund(self, **kwargs):
        with self.lock:
            self.refunds.append(kwargs["idempotency_key"])
        return super().refund(**kwargs)


REFUNDS = 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_due_refund_once(settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "payments.tests.test_refund_retry.CountingGateway"
    monkeypatch.setattr(CountingGateway, "refunds", [])
    monkeypatch.setattr(services, "REFUND_RETRY_BATCH", 2)  # many claims, so the runs interleave
    with freeze_time(NOW, tick=True):
        flight_with_fare("DXB", "LHR", DEPARTURE, seats=REFUNDS)
        refunds = [
            refund_all(paid_booking(CustomerFactory(), REFUNDS_DECLINED_TWICE))
            for _ in range(REFUNDS)
        ]
        start = threading.Barrier(2)
        results, errors = [], []

        def run(_index):
            try:
                start.wait()
                results.append(refunds_retry(now=NOW + 10 * MINUTE))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(run, range(2)))

    assert errors == []
    assert sum(result["retrying"] for result in results) == REFUNDS
    keys = [refund.idempotency_key for refund in refunds]
    # The first request of each, then exactly one more from the two runs together.
    assert Counter(CountingGateway.refunds) == dict.fromkeys(keys, 2)
    assert {state(refund)[:3] for refund in refunds} == {
        (Refund.Status.RETRYING, 2, NOW + 10 * MINUTE + 30 * MINUTE)
    }
    declines = [SandboxCharge.objects.get(refund_declines__has_key=key) for key in keys]
    assert [charge.refund_declines for charge in declines] == [{key: 2} for key in keys]
