"""Sending a newsletter issue: queued by staff from the admin (after the commit that marks it
sent), it writes one outbox email per subscriber in batches. Idempotent, so a retry, or the
message delivered twice (acks_late), resumes and never sends anyone a second email."""

from celery import shared_task
from django.db import OperationalError

from b2c.services.newsletter import newsletter_issue_send


@shared_task(
    autoretry_for=(OperationalError, OSError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def send_newsletter_issue(issue_id: int) -> int:
    """Write the emails of issue `issue_id`; the number of its recipients so far."""
    return newsletter_issue_send(issue_id=issue_id).recipients
