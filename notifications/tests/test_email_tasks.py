import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from notifications.services import email_enqueue


def message():
    msg = EmailMultiAlternatives(
        subject="Your trip",
        body="Plain text",
        from_email="Safar <no-reply@safar.example>",
        to=["layla@example.com"],
        headers={"X-Safar": "1"},
    )
    msg.attach_alternative("<p>HTML</p>", "text/html")
    return msg


@pytest.mark.django_db
def test_email_leaves_only_after_commit_with_both_parts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_enqueue(message=message())
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.body, sent.to) == ("Your trip", "Plain text", ["layla@example.com"])
    assert sent.alternatives[0].content == "<p>HTML</p>"
    assert sent.extra_headers == {"X-Safar": "1"}


@pytest.mark.redis
@pytest.mark.django_db
def test_a_real_worker_sends_the_email_through_redis(settings):
    import time

    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from notifications.tasks import email_send

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            email_send.delay(
                subject="Queued",
                body="Through Redis",
                from_email="no-reply@safar.example",
                to=["omar@example.com"],
            )
            deadline = time.monotonic() + 20
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    assert [(m.subject, m.to) for m in mail.outbox] == [("Queued", ["omar@example.com"])]
