"""The price-alert engine, every 30 minutes (CELERY_BEAT_SCHEDULE "check-price-alerts"); a
second run at the same time finds the engine's lock taken and does nothing."""

from celery import shared_task

from b2c.services.alerts import price_alerts_check


@shared_task
def check_price_alerts() -> dict:
    """Check every active price alert against the current lowest fares."""
    return price_alerts_check()
