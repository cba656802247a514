from celery import shared_task

from payments.fx import RateProviderError, exchange_rates_refresh
from payments.services import payments_reconcile, refund_given_up_notify, refunds_retry


@shared_task
def reconcile() -> dict:
    """Finish charges and refunds a crash or a gateway timeout left open (every 5 minutes)."""
    return payments_reconcile()


@shared_task
def retry_refunds() -> dict:
    """Send again the refunds that are due (every 5 minutes); runs may overlap safely."""
    return refunds_retry()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_kwargs={"max_retries": 5})
def refund_given_up_alert(*, refund_id: int) -> None:
    """Email staff about a refund that is no longer retried (enqueued once, on giving up)."""
    refund_given_up_notify(refund_id=refund_id)


@shared_task(autoretry_for=(RateProviderError, OSError), max_retries=3, retry_backoff=60)
def exchange_rates_refresh_task() -> int:
    """Store the provider's new exchange rates (daily); running it again adds nothing."""
    return exchange_rates_refresh()
