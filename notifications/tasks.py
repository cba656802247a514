from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def email_send(
    self,
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str | None = None,
    headers: dict | None = None,
    attachments: list | None = None,
) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_kwargs={"max_retries": 5})
def booking_confirmation_send(self, *, booking_id: int) -> None:
    from notifications.services import booking_confirmation_email

    booking_confirmation_email(booking_id=booking_id)


@shared_task(acks_late=True)
def outbox_deliver(*, message_id: int) -> str:
    """Deliver one outbox message (queued after the commit that wrote it)."""
    from notifications.services import outbox_deliver as deliver

    return deliver(message_id=message_id)


@shared_task
def outbox_relay() -> dict:
    """Deliver due outbox messages the queue missed or that wait for a retry (every minute)."""
    from notifications.services import outbox_relay as relay

    return relay()
