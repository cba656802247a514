"""Periodic loyalty jobs (daily, see CELERY_BEAT_SCHEDULE); each is safe to run twice or at
the same time as another run."""

from celery import shared_task

from b2c.services.loyalty import (
    customer_rewards_expire,
    loyalty_points_expire,
    loyalty_tiers_review,
)


@shared_task
def expire_points() -> int:
    """Expire what remains of lapsed point lots."""
    return loyalty_points_expire()


@shared_task
def review_tiers() -> int:
    """Set the tier of customers whose qualification window ended from its points."""
    return loyalty_tiers_review()


@shared_task
def expire_customer_rewards() -> int:
    """Issued rewards past their use-by date become expired."""
    return customer_rewards_expire()
