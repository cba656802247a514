"""Completed bookings, staff, images and a snapshot of everything a refused action must leave
as it was, for the review tests."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from b2c.models import ContentReport, Review, ReviewAggregate, ReviewImage, ReviewVote
from b2c.tests.referrals.helpers import booking_for
from bookings.models import Booking, BookingSegment
from core.testing.factories import UserFactory
from core.testing.inventory import flight_with_fare

GOOD_TEXT = "The crew were kind and the seats were comfortable all the way."


def completed_booking(
    customer,
    *,
    code: str = "EK",
    origin: str = "DXB",
    destination: str = "LHR",
    departure: dt.datetime | None = None,
    status: str = Booking.Status.CONFIRMED,
    completed: bool = True,
    number: int | None = None,
) -> Booking:
    """A booking of one flight, flown (completed_at set) unless `completed` is False."""
    departure = departure or dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)
    fare = flight_with_fare(
        origin, destination, departure, code=code, number=number or Booking.objects.count() + 1
    )
    booking = booking_for(customer, status=status, completed=completed)
    BookingSegment.objects.create(
        booking=booking,
        fare=fare,
        flight=fare.flight,
        direction=BookingSegment.Direction.OUTBOUND,
        position=0,
        cabin=fare.cabin,
        brand=fare.brand,
        adult_base=Decimal("400.00"),
        adult_taxes=Decimal("100.00"),
        refundable=False,
        refund_fee=Decimal("0"),
    )
    return booking


def staff_user():
    return UserFactory(is_staff=True)


def png(width: int = 40, height: int = 30, name: str = "photo.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def aggregates() -> dict[str, tuple[int, int, int, int, int, int, int]]:
    return {
        row[0]: tuple(row[1:])
        for row in ReviewAggregate.objects.values_list(
            "subject_key",
            "review_count",
            "rating_total",
            "count_1",
            "count_2",
            "count_3",
            "count_4",
            "count_5",
        )
    }


def snapshot() -> dict:
    """Everything reviews write: rows, counters, aggregates, files."""
    return {
        "reviews": list(
            Review.objects.order_by("id").values_list(
                "id", "status", "rating", "title", "text", "helpful_count", "report_count"
            )
        ),
        "images": ReviewImage.objects.count(),
        "votes": ReviewVote.objects.count(),
        "reports": ContentReport.objects.count(),
        "aggregates": aggregates(),
        "files": media_files(),
    }


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
