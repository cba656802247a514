"""Travel reminders every five minutes (CELERY_BEAT_SCHEDULE "send-travel-reminders"), and the
fan-out of a staff advisory to the customers flying into its country."""

from celery import shared_task

from b2c.services.travel_alerts import advisories_notify, travel_reminders_send


@shared_task
def send_travel_reminders() -> int:
    """Tell every reminder due now (check-in open, 24 h and 3 h before departure)."""
    return travel_reminders_send()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_kwargs={"max_retries": 5})
def notify_advisory(self, *, advisory_id: int) -> int:
    """Tell each customer with an upcoming trip into the advisory's country, once."""
    return advisories_notify(advisory_id=advisory_id)
