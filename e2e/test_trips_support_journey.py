"""Issue 7's journey in a real browser: a customer plans a 5-day trip, adds an activity and a
flight booking, exports the trip to a calendar file that icalendar reads back with the right
local times, and shares a read-only link; then opens a ticket about that booking with a PDF,
staff answer in the admin with an internal note and a reply, the customer sees only the reply
and rates the help; /help/ finds an answer in Bengali among the demo FAQ."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from icalendar import Calendar
from playwright.sync_api import expect

from b2c.models import SupportTicket, TicketAttachment, TicketMessage, Trip
from b2c.tests.support.conftest import pdf_bytes
from b2c.tests.trips.helpers import days_ahead, flight_booking
from core.testing.factories import CustomerFactory, UserFactory
from e2e.test_community_journey import sign_in
from e2e.test_signup_and_language import switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUBAI = ZoneInfo("Asia/Dubai")
LONDON = ZoneInfo("Europe/London")
INTERNAL_NOTE = "Card payment captured in full; the receipt is in the payments log."
REPLY = "Your receipt is attached to your booking confirmation email; we sent it again."


def at(day: dt.date, hour: int, minute: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def events_by_summary(ics: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(ics)
    return {
        str(event["summary"]): {"start": event.decoded("dtstart"), "end": event.decoded("dtend")}
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def traveller(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    customer = CustomerFactory(first_name="Samira", last_name="Haque")
    first, last = days_ahead(30), days_ahead(34)
    booking = flight_booking(
        customer,
        [
            ("DXB", "LHR", at(first, 8, 5, DUBAI), "1"),
            ("LHR", "DXB", at(last, 20, 30, LONDON), "2"),
        ],
    )
    return customer, booking, first, last


def test_a_trip_planned_exported_and_shared(new_page, traveller, tmp_path):
    customer, booking, first, last = traveller
    page = new_page()
    sign_in(page, customer.user.email)

    page.goto("/trips/new/")
    page.get_by_label("Name").fill("London with the family")
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day").fill(last.isoformat())
    page.get_by_label("Destinations").fill("LHR")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/trips/\d+/$"))
    trip = Trip.objects.get(owner=customer)
    assert [d.date for d in trip.days.order_by("date")] == [
        first + dt.timedelta(days=n) for n in range(5)
    ]
    expect(page.locator(".trip-day")).to_have_count(5)

    # An activity on the second day, in London's time.
    second_day = page.locator(".trip-day").nth(1)
    second_day.get_by_text("Add an activity").click()
    second_day.get_by_label("What").fill("Tower of London")
    second_day.get_by_label("Starts").fill("10:00")
    second_day.get_by_label("Ends").fill("12:30")
    second_day.get_by_label("Time zone").fill("Europe/London")
    second_day.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".trip-activity", has_text="Tower of London")).to_contain_text(
        "10:00–12:30"
    )

    # The flight booking joins this trip from its confirmation page.
    page.goto(f"/confirmation/{booking.pk}/")
    page.get_by_role("link", name="Add to a trip").click()
    page.get_by_label(re.compile("London with the family")).check()
    page.get_by_role("button", name="Add to the trip").click()
    expect(page).to_have_url(re.compile(rf"/trips/{trip.pk}/$"))
    expect(page.locator(".trip-activity")).to_have_count(3)

    # The calendar file, read back by a calendar library, keeps each local time.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download calendar (.ics)").click()
    ics = Path(download.value.path()).read_bytes()
    events = events_by_summary(ics)
    tower = events["Tower of London"]
    assert tower["start"] == dt.datetime.combine(
        first + dt.timedelta(days=1), dt.time(10), tzinfo=LONDON
    )
    assert tower["start"].tzinfo.key == "Europe/London"
    assert tower["end"].time() == dt.time(12, 30)
    flights = {summary: e for summary, e in events.items() if summary != "Tower of London"}
    local = sorted(
        (e["start"], e["start"].tzinfo.key, e["end"].tzinfo.key) for e in flights.values()
    )
    assert [(start.date(), start.time(), zone, lands) for start, zone, lands in local] == [
        (first, dt.time(8, 5), "Asia/Dubai", "Europe/London"),
        (last, dt.time(20, 30), "Europe/London", "Asia/Dubai"),
    ]

    # A read-only link that anyone can open, until it is revoked.
    page.get_by_role("button", name="Share by link").click()
    share_url = page.locator("#share-url").input_value()
    visitor = new_page()
    visitor.goto(share_url)
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("London with the family")
    expect(visitor.locator("main")).to_contain_text("Tower of London")
    expect(visitor.get_by_text("Add an activity")).to_have_count(0)
    expect(visitor.locator("main form")).to_have_count(0)
    assert customer.user.email not in visitor.content()

    page.get_by_role("button", name="Stop sharing").click()
    expect(page.get_by_role("button", name="Share by link")).to_be_visible()
    answer = visitor.goto(share_url)
    assert answer.status == 404


def test_a_ticket_about_the_booking_answered_by_staff_and_rated(new_page, traveller):
    customer, booking, _first, _last = traveller
    page = new_page()
    sign_in(page, customer.user.email)

    page.goto("/bookings/")
    page.get_by_role("link", name="Get help with this booking").first.click()
    expect(page).to_have_url(re.compile(rf"/support/new/\?booking={booking.pk}$"))
    page.get_by_label("Subject").fill("A receipt for my flights")
    page.get_by_label("What is it about?").select_option("booking")
    page.get_by_label("Your message").fill("Please send me a receipt; my statement is attached.")
    page.get_by_label("Attachments (optional)").set_input_files(
        [{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Open the ticket").click()
    expect(page).to_have_url(re.compile(r"/support/\d+/$"))
    ticket = SupportTicket.objects.get(customer=customer)
    assert (ticket.booking_id, ticket.status) == (booking.pk, "open")
    expect(page.locator("main")).to_contain_text(ticket.reference)
    expect(page.locator("main")).to_contain_text(booking.reference)
    (attachment,) = TicketAttachment.objects.filter(message__ticket=ticket)
    assert attachment.name == "statement.pdf"

    # Staff write an internal note, then answer the customer, then resolve the ticket.
    UserFactory(email="desk@safar.example", is_staff=True, is_superuser=True)
    staff = new_page()
    sign_in(staff, "desk@safar.example")
    staff.goto(f"/admin/b2c/supportticket/{ticket.pk}/change/")
    expect(staff.locator("#content")).to_contain_text(booking.reference)
    staff.get_by_label("Message").fill(INTERNAL_NOTE)
    staff.get_by_label(re.compile(r"^Internal note")).check()
    staff.get_by_role("button", name="Send").click()
    expect(staff.locator("#content")).to_contain_text("not shown to the customer")
    staff.get_by_label("Message").fill(REPLY)
    staff.get_by_role("button", name="Send").click()
    expect(staff.locator("#content")).to_contain_text(REPLY)
    staff.get_by_role("button", name=re.compile(r"^Mark resolved")).click()
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    thread = TicketMessage.objects.filter(ticket=ticket).order_by("id")
    assert list(thread.values_list("internal", flat=True)) == [False, True, False]

    # The customer sees the reply, never the note, and rates the help.
    page.reload()
    thread = page.locator("#thread")
    expect(thread).to_contain_text(REPLY)
    expect(thread).not_to_contain_text(INTERNAL_NOTE)
    assert INTERNAL_NOTE not in page.content()
    page.locator("input[name=satisfaction][value='5']").check()
    page.get_by_role("button", name="Send the rating").click()
    ticket.refresh_from_db()
    assert ticket.satisfaction == 5
    expect(page.get_by_role("button", name="Send the rating")).to_have_count(0)


def test_help_finds_a_demo_answer_in_bengali(new_page):
    call_command("seed_demo", "--force", "--days", "1", "--routes", "2", verbosity=0)
    page = new_page()
    page.goto("/help/")
    switch_language(page, "bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    page.locator("#faq-query").fill("রিফান্ড")
    page.locator("#faq-query").press("Enter")
    results = page.locator("main")
    expect(results).to_contain_text("আমি কখন আমার রিফান্ড পাব?")
