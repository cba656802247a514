"""The help desk's daily job (CELERY_BEAT_SCHEDULE "close-resolved-tickets")."""

from celery import shared_task

from b2c.services.support import tickets_close_resolved


@shared_task
def close_resolved_tickets() -> int:
    """Close tickets resolved more than SUPPORT_REOPEN_DAYS ago (a reply no longer reopens)."""
    return tickets_close_resolved()
