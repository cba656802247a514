from celery import shared_task

from bookings.services import bookings_complete, bookings_expire_holds


@shared_task
def expire_holds() -> int:
    """Release the seats of unpaid holds (every minute, from beat)."""
    return bookings_expire_holds()


@shared_task
def complete_trips() -> int:
    """Complete bookings whose last flight has landed: points, referral and commission follow."""
    return bookings_complete()
