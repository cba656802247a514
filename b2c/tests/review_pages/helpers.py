"""Reviews for the page, API and admin tests, written through b2c.services.reviews (so that the
rating aggregates are the services' own), on completed bookings where they are verified."""

import datetime as dt
from pathlib import Path

from django.conf import settings

from b2c.models import ContentReport, Review, ReviewAggregate, ReviewImage, ReviewResponse
from b2c.services.reviews import review_create
from b2c.tests.reviews.helpers import completed_booking, png  # noqa: F401 - re-exported
from core.testing.factories import CustomerFactory
from core.testing.inventory import airline, airport

GOOD_TEXT = "The crew were kind and the seats were comfortable all the way."
ROUTE_KEY = "flight:EK:DXB-LHR"


def inventory() -> None:
    airline("EK")
    airline("BA")
    for code in ("DXB", "LHR", "SHJ"):
        airport(code)


def review(
    customer=None,
    *,
    rating: int = 4,
    title: str = "Good flight",
    text: str = GOOD_TEXT,
    code: str = "EK",
    origin: str = "DXB",
    destination: str = "LHR",
    day: dt.date = dt.date(2026, 5, 1),
    **kwargs,
) -> Review:
    """A published (unless the check holds it) flight review, not verified."""
    inventory()
    return review_create(
        customer=customer or CustomerFactory(),
        subject_kind="flight",
        airline_code=code,
        origin=origin,
        destination=destination,
        travel_date=day,
        rating=rating,
        title=title,
        text=text,
        **kwargs,
    )


def verified_review(customer, **kwargs) -> Review:
    """A verified review of EK DXB → LHR from a completed booking of the customer."""
    inventory()
    booking = completed_booking(customer)
    return review(customer, booking_id=booking.pk, day=None, **kwargs)


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot() -> dict:
    """Everything the review pages write: rows, counters, aggregates and files."""
    return {
        "reviews": list(
            Review.objects.order_by("id").values_list(
                "id", "status", "rating", "title", "text", "helpful_count", "report_count"
            )
        ),
        "images": ReviewImage.objects.count(),
        "responses": ReviewResponse.objects.count(),
        "reports": ContentReport.objects.count(),
        "aggregates": list(
            ReviewAggregate.objects.order_by("subject_key").values_list(
                "subject_key", "review_count", "rating_total"
            )
        ),
        "files": media_files(),
    }
