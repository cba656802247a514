from celery import shared_task

from payments.fx import RateProviderError, exchange_rates_refresh
from payments.services import payments_reconcile


@shared_task
def reconcile() -> dict:
    """Finish charges and refunds a crash or a gateway timeout left open (every 5 minutes)."""
    return payments_reconcile()


@shared_task(autoretry_for=(RateProviderError, OSError), max_retries=3, retry_backoff=60)
def exchange_rates_refresh_task() -> int:
    """Store the provider's new exchange rates (daily); running it again adds nothing."""
    return exchange_rates_refresh()
