"""End to end through Redis: a fare falls below a customer's target, the alert job is sent to a
real Celery worker, and the customer gets one in-app notification and one email (issue 5, "In
CI, one test starts a real Celery worker ...")."""

from decimal import Decimal

import pytest
from django.core import mail

from b2c.models import PriceAlert
from b2c.tasks.alerts import check_price_alerts
from b2c.tests.alerts.helpers import alert_for, fare, set_price
from core.testing.celery_worker import real_worker, wait_until
from notifications.models import Kind, Notification, OutboxMessage

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _delivered(user) -> bool:
    return (
        Notification.objects.filter(user=user, kind=Kind.PRICE_DROP).exists()
        and OutboxMessage.objects.filter(channel="email", status="sent").exists()
        and len(mail.outbox) >= 1
    )


@pytest.mark.django_db(transaction=True)
def test_a_fare_drop_reaches_the_customer_through_a_real_worker(customer):
    user = customer.user
    row = fare()  # $500.00 a seat, above the target
    alert = alert_for(customer, target="450.00")
    # The inventory lowers the fare (a supplier update saves the Fare row).
    set_price(row, "440.00")

    with real_worker():
        check_price_alerts.delay()
        wait_until(lambda: _delivered(user), timeout=30)

    notification = Notification.objects.get(user=user)
    assert (notification.kind, notification.title, notification.url, notification.read_at) == (
        "price_drop",
        "DXB → LHR is now $440.00",
        f"/alerts/{alert.pk}/",
        None,
    )
    assert [(m.subject, m.to) for m in mail.outbox] == [("DXB → LHR is now $440.00", [user.email])]
    assert "$440.00" in mail.outbox[0].body
    assert sorted(OutboxMessage.objects.values_list("channel", "status", "attempts")) == [
        ("email", "sent", 1),
        ("in_app", "sent", 1),
    ]
    alert.refresh_from_db()
    assert (alert.state, alert.armed, alert.notified_price) == (
        PriceAlert.State.ACTIVE,
        False,
        Decimal("440.000"),
    )
    assert list(alert.checks.values_list("price", "notified")) == [(Decimal("440.000"), True)]
