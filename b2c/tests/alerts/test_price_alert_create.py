import datetime as dt
import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from freezegun import freeze_time

from b2c.models import PriceAlert, PriceAlertCheck
from b2c.services.alerts import (
    PriceAlertNotFound,
    confirm_token,
    price_alert_confirm,
    price_alert_delete,
    price_alert_pause,
    price_alert_resume,
    price_alert_stop,
    price_alerts_check,
    price_alerts_join_customer,
    stop_token,
)
from b2c.tests.alerts.helpers import DAY, NOW, alert_for, fare
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


def test_a_customers_alert_watches_at_once_from_the_price_now(customer):
    fare()

    alert = alert_for(customer, target="450.00")

    assert alert.state == "active"
    assert (alert.start_price, alert.last_price) == (Decimal("500.00"), Decimal("500.00"))
    assert alert.target_price == Decimal("450.00")
    assert (alert.origin.iata_code, alert.destination.iata_code) == ("DXB", "LHR")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_from": DAY - dt.timedelta(days=10), "date_to": DAY}, "date_from",
         "The dates must not be in the past."),
        ({"date_to": DAY - dt.timedelta(days=1)}, "date_to",
         "The last date must not be before the first."),
        ({"date_to": DAY + dt.timedelta(days=61)}, "date_to", "Watch at most 60 days at once."),
        ({"origin": "ZZZ"}, "origin", "Unknown airport ZZZ."),
        ({"destination": "DXB"}, "destination", "The destination must differ from the origin."),
        ({"target": "0"}, "target_price", "The target price must be more than zero."),
        ({"target": "-5.00"}, "target_price", "The target price must be more than zero."),
        ({"target": "450.005"}, "target_price", "USD prices have at most 2 decimal places."),
        ({"target": "1000.5", "currency": "JPY"}, "target_price",
         "JPY prices have at most 0 decimal places."),
        ({"infants": 2}, "adults",
         "At least one adult, and no more infants than adults, must travel."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_changes_nothing(customer, change, field, message):
    with pytest.raises(ApplicationError) as refused:
        alert_for(customer, **change)

    assert refused.value.extra == {field: [message]}
    assert PriceAlert.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_sixty_day_range_is_allowed(customer):
    alert = alert_for(customer, date_to=DAY + dt.timedelta(days=60))
    assert alert.date_to == dt.date(2030, 5, 9)


def test_no_more_alerts_than_the_cap(customer, settings):
    settings.PRICE_ALERTS_PER_CUSTOMER = 2
    alert_for(customer)
    ended = alert_for(customer)
    PriceAlert.objects.filter(pk=ended.pk).update(state="ended")
    alert_for(customer)

    with pytest.raises(ApplicationError) as refused:
        alert_for(customer)

    assert refused.value.message == "You can have at most 2 price alerts."
    assert PriceAlert.objects.filter(customer=customer).count() == 3
    alert_for(CustomerFactory())  # another customer has a cap of their own


def test_no_more_visitor_alerts_per_email_than_the_cap(settings):
    settings.PRICE_ALERTS_PER_CUSTOMER = 1
    alert_for(None, email="Visitor@Example.com")

    with pytest.raises(ApplicationError):
        alert_for(None, email="visitor@example.com")

    assert PriceAlert.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def _confirm_link(message) -> str:
    return re.search(r"/alerts/confirm/([^/\s]+)/", message.body).group(1)


def test_a_visitors_alert_waits_for_the_emailed_link(django_capture_on_commit_callbacks):
    fare(base="300.00")
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_for(None, email="visitor@example.com", language="ar")

    assert alert.state == "pending"
    assert alert.email == "visitor@example.com"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["visitor@example.com"]
    assert message.extra_headers["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in message.alternatives[0][0]
    assert price_alerts_check()["checked"] == 0  # not before it is confirmed
    assert PriceAlertCheck.objects.count() == 0

    token = _confirm_link(message)
    with pytest.raises(PriceAlertNotFound):
        price_alert_confirm(token=token[:-2] + "xx")
    assert PriceAlert.objects.get().state == "pending"

    assert price_alert_confirm(token=token).state == "active"
    assert price_alert_confirm(token=token).state == "active"  # again: harmless
    with django_capture_on_commit_callbacks(execute=True):
        assert price_alerts_check() == {"checked": 1, "notified": 1, "ended": 0, "skipped": 0}
    assert mail.outbox[-1].to == ["visitor@example.com"]
    assert "/alerts/stop/" in mail.outbox[-1].body


def test_the_confirmation_link_expires(frozen):
    alert = alert_for(None, email="visitor@example.com")

    token = confirm_token(alert)
    frozen.tick(dt.timedelta(days=8))

    with pytest.raises(PriceAlertNotFound):
        price_alert_confirm(token=token)
    assert PriceAlert.objects.get().state == "pending"


def test_the_stop_link_ends_the_alert(customer):
    alert = alert_for(customer)

    with pytest.raises(PriceAlertNotFound):
        price_alert_stop(token=stop_token(alert) + "x")
    assert PriceAlert.objects.get().state == "active"
    stopped = price_alert_stop(token=stop_token(alert))

    assert (stopped.state, stopped.ended_reason) == ("ended", "stopped from email")


def test_confirmed_visitor_alerts_join_the_account_with_that_email():
    confirmed = alert_for(None, email="new@example.com")
    price_alert_confirm(token=confirm_token(confirmed))
    pending = alert_for(None, email="new@example.com")
    someone_else = alert_for(None, email="other@example.com")
    PriceAlert.objects.filter(pk=someone_else.pk).update(state="active")
    customer = CustomerFactory(email="new@example.com")
    EmailAddress.objects.create(user=customer.user, email="new@example.com", verified=True)

    assert price_alerts_join_customer(customer=customer) == 1

    confirmed.refresh_from_db()
    assert (confirmed.customer, confirmed.email) == (customer, "")
    assert PriceAlert.objects.get(pk=pending.pk).customer is None
    assert PriceAlert.objects.get(pk=someone_else.pk).customer is None


def test_an_unverified_email_joins_nothing():
    alert = alert_for(None, email="new@example.com")
    PriceAlert.objects.filter(pk=alert.pk).update(state="active")
    customer = CustomerFactory(email="new@example.com")
    EmailAddress.objects.create(user=customer.user, email="new@example.com", verified=False)

    assert price_alerts_join_customer(customer=customer) == 0
    assert PriceAlert.objects.get().customer is None


def test_pause_resume_delete_only_ones_own(customer, other_customer):
    alert = alert_for(customer)

    for service in (price_alert_pause, price_alert_resume, price_alert_delete):
        with pytest.raises(PriceAlertNotFound):
            service(customer=other_customer, alert_id=alert.pk)
    assert PriceAlert.objects.get().state == "active"

    assert price_alert_pause(customer=customer, alert_id=alert.pk).state == "paused"
    assert price_alert_resume(customer=customer, alert_id=alert.pk).state == "active"
    price_alert_delete(customer=customer, alert_id=alert.pk)
    assert PriceAlert.objects.count() == 0
