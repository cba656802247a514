"""Many workers delivering one outbox message at once, and one event told by many requests at
once, on PostgreSQL: one notification, one email, one message per channel."""

import pytest
from django.core import mail
from django.db import transaction

from core.testing.concurrency import race
from notifications import tasks
from notifications.models import Kind, Notification, OutboxMessage
from notifications.services import EmailContent, notify, outbox_deliver

EMAIL = EmailContent(subject="Gate change", text="Now gate B12.", html="<p>Now gate B12.</p>")


def tell(user):
    with transaction.atomic():
        return notify(
            user=user,
            kind=Kind.FLIGHT_CHANGE,
            title="Gate change",
            url="/bookings/",
            dedupe_key="gate-change-1",
            email=EMAIL,
        )


@pytest.fixture
def queue_not_yet_run(monkeypatch):
    """Committed messages wait in the queue: the threads below are the workers."""
    monkeypatch.setattr(tasks.outbox_deliver, "delay", lambda **kwargs: None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_10_workers_delivering_one_message_deliver_it_once(customer, queue_not_yet_run):
    in_app, email = tell(customer.user)

    outcomes, errors = race(
        20, lambda index: outbox_deliver(message_id=(in_app, email)[index % 2].pk)
    )

    assert errors == []
    assert outcomes.count("sent") >= 2
    assert set(outcomes) <= {"sent", "pending"}  # pending: another worker holds it
    assert Notification.objects.filter(user=customer.user).count() == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [("Gate change", [customer.user.email])]
    assert list(OutboxMessage.objects.values_list("status", "attempts").order_by("pk")) == [
        ("sent", 1),
        ("sent", 1),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_10_requests_telling_one_event_write_it_once(customer, queue_not_yet_run):
    outcomes, errors = race(10, lambda index: [m.pk for m in tell(customer.user)])

    assert errors == []
    assert len({tuple(pks) for pks in outcomes}) == 1
    assert OutboxMessage.objects.count() == 2
