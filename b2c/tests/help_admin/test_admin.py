"""The help desk and trips in the admin: the ticket queue's overdue filter and marker, the FAQ
written in four languages, trips read only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from b2c.models import FAQ, SupportTicket, Trip
from core.testing.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def ticket(subject, *, first_due, resolution_due, status="open", responded=False):
    now = timezone.now()
    return SupportTicket.objects.create(
        customer=CustomerFactory(), subject=subject, category="booking", status=status,
        first_response_due=now + first_due, resolution_due=now + resolution_due,
        first_responded_at=now if responded else None,
    )  # fmt: skip


def test_the_queue_filters_and_marks_overdue_tickets(staff_client):
    hour = dt.timedelta(hours=1)
    ticket("No answer yet, late", first_due=-hour, resolution_due=10 * hour)
    ticket("Answered, resolution late", first_due=-hour, resolution_due=-hour, responded=True)
    ticket("Answer due tomorrow", first_due=hour, resolution_due=10 * hour)
    ticket("Resolved late", first_due=-hour, resolution_due=-hour, status="resolved")
    url = reverse("admin:b2c_supportticket_changelist")

    overdue = staff_client.get(url, {"overdue": "yes"}).content.decode()
    on_time = staff_client.get(url, {"overdue": "no"}).content.decode()

    assert "No answer yet, late" in overdue and "Answered, resolution late" in overdue
    assert "Answer due tomorrow" not in overdue and "Resolved late" not in overdue
    assert overdue.count("⚠ Overdue") == 2
    assert "Answer due tomorrow" in on_time and "Resolved late" in on_time


def test_staff_write_an_faq_entry_in_four_languages(staff_client):
    response = staff_client.post(
        reverse("admin:b2c_faq_add"),
        {
            "category": "baggage", "position": 1, "is_published": "on",
            "question_en": "How much baggage can I take?", "answer_en": "It depends on the fare.",
            "question_ar": "ما وزن الأمتعة المسموح به؟", "answer_ar": "يعتمد على نوع التذكرة.",
            "question_bn": "আমি কত লাগেজ নিতে পারি?", "answer_bn": "এটি ভাড়ার ধরনের উপর নির্ভর করে।",
            "question_ur": "میں کتنا سامان لے جا سکتا ہوں؟", "answer_ur": "یہ کرایے پر منحصر ہے۔",
        },
    )  # fmt: skip

    assert response.status_code == 302
    entry = FAQ.objects.get()
    assert (entry.question_bn, entry.helpful_yes) == ("আমি কত লাগেজ নিতে পারি?", 0)


def test_trips_are_read_only_in_the_admin(staff_client):
    trip = Trip.objects.create(
        owner=CustomerFactory(), name="Istanbul in spring", currency="USD",
        start_date=dt.date(2030, 4, 1), end_date=dt.date(2030, 4, 5),
    )  # fmt: skip

    listing = staff_client.get(reverse("admin:b2c_trip_changelist")).content.decode()
    change = staff_client.post(reverse("admin:b2c_trip_change", args=[trip.pk]), {"name": "X"})

    assert "Istanbul in spring" in listing
    assert change.status_code == 403
    trip.refresh_from_db()
    assert trip.name == "Istanbul in spring"
