from django.core.mail import EmailMultiAlternatives
from django.db import transaction


def email_enqueue(*, message: EmailMultiAlternatives) -> None:
    """Send `message` from a Celery task once the current transaction commits.

    Mail servers are slow and fail; the request that caused the email should not wait for them,
    and an email about something rolled back must never leave.
    """
    from notifications.tasks import email_send

    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), None
    )
    payload = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": html,
        "headers": dict(message.extra_headers),
    }
    transaction.on_commit(lambda: email_send.delay(**payload))
