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
        "attachments": [
            (name, content.decode() if isinstance(content, bytes) else content, mimetype)
            for name, content, mimetype in message.attachments
        ],
    }
    transaction.on_commit(lambda: email_send.delay(**payload))


def booking_confirmation_email(*, booking_id: int) -> None:
    """The confirmation, in the customer's language, with text and HTML parts and an .ics file."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.utils.translation import gettext as _

    from bookings.calendar import booking_ics
    from bookings.selectors import booking_detail

    booking = booking_detail(booking_id=booking_id)
    with translation.override(booking.customer.preferred_language):
        context = {"booking": booking}
        message = EmailMultiAlternatives(
            subject=_("Your booking %(reference)s is confirmed") % {"reference": booking.reference},
            body=render_to_string("bookings/email/confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[booking.contact_email],
        )
        message.attach_alternative(
            render_to_string("bookings/email/confirmation.html", context), "text/html"
        )
    message.attach(f"safar-{booking.reference}.ics", booking_ics(booking), "text/calendar")
    message.send()
