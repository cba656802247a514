from celery import shared_task

from payments.services import payments_reconcile


@shared_task
def reconcile() -> dict:
    """Finish charges and refunds a crash or a gateway timeout left open (every 5 minutes)."""
    return payments_reconcile()
