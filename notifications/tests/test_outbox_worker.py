"""End to end through Redis: notify() in a committed transaction, a real Celery worker delivers
the in-app notification and the email."""

import pytest
from django.core import mail
from django.db import transaction

from core.testing.celery_worker import real_worker, wait_until
from notifications.models import Kind, Notification, OutboxMessage
from notifications.services import EmailContent, notify


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_notification_and_the_email(customer):
    user = customer.user
    with real_worker():
        with transaction.atomic():
            notify(
                user=user,
                kind=Kind.PRICE_DROP,
                title="Dubai to London: $199",
                body="Down from $260.",
                url="/wishlists/",
                dedupe_key="price-drop-worker-1",
                email=EmailContent(subject="Fares fell to $199", text="Now $199."),
            )
            # Nothing leaves before the commit.
            assert OutboxMessage.objects.filter(status="pending").count() == 2
        wait_until(
            lambda: OutboxMessage.objects.filter(status="sent").count() == 2 and bool(mail.outbox),
            timeout=20,
        )

    notification = Notification.objects.get(user=user)
    assert (notification.title, notification.body, notification.url, notification.read_at) == (
        "Dubai to London: $199",
        "Down from $260.",
        "/wishlists/",
        None,
    )
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("Fares fell to $199", "Now $199.", [user.email])
    ]
    assert list(OutboxMessage.objects.values_list("status", "attempts")) == [
        ("sent", 1),
        ("sent", 1),
    ]
