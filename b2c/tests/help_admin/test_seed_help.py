"""The quickstart's help-desk demo: an FAQ in four languages, trips and a ticket, made once."""

import pytest
from django.core.management import call_command

from b2c.models import FAQ, SupportTicket, TicketMessage, Trip, TripActivity
from b2c.selectors.support import faq_by_category, faq_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    def counts():
        return (
            FAQ.objects.count(), Trip.objects.count(), TripActivity.objects.count(),
            SupportTicket.objects.count(), TicketMessage.objects.count(),
        )  # fmt: skip

    runs = []
    for _ in range(2):  # running it again changes nothing
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--force", "--days", "1", "--routes", "2", verbosity=0)
        runs.append(counts())
    return runs


def test_seed_demo_writes_the_faq_once_in_four_languages(seeded):
    assert seeded[0] == seeded[1]
    assert FAQ.objects.count() == 10
    assert [group["category"] for group in faq_by_category(language="en")] == [
        "booking", "payment", "baggage", "loyalty", "account"
    ]  # fmt: skip
    for entry in FAQ.objects.all():
        texts = [getattr(entry, f"{part}_{lang}") for part in ("question", "answer")
                 for lang in ("en", "ar", "bn", "ur")]  # fmt: skip
        assert all(texts) and len(set(texts)) == 8
    assert list(FAQ.objects.filter(category="payment").values_list("position", flat=True)) == [0, 1]


def test_a_search_for_refund_in_bengali_finds_the_refund_question(seeded):
    found = faq_search(query="রিফান্ড", language="bn")

    assert found[0].question_en == "When will I get my refund?"
    assert found[0].question_bn == "আমি কখন আমার রিফান্ড পাব?"


def test_the_demo_customer_has_trips_and_an_answered_ticket(seeded):
    assert seeded[0][1:] == seeded[1][1:] == (2, 3, 1, 3)
    london, istanbul = Trip.objects.filter(owner__user__email="demo@safar.example").order_by(
        "start_date"
    )
    assert [a.booking.reference for a in london.activities.all()] == ["DMOFLY"]
    assert (istanbul.name, (istanbul.end_date - istanbul.start_date).days) == (
        "A long weekend in Istanbul", 3
    )  # fmt: skip
    assert [d.iata_code for d in istanbul.destinations.all()] == ["IST"]
    assert sorted(istanbul.activities.values_list("title", flat=True)) == [
        "Bosphorus boat tour", "Hagia Sophia and the Blue Mosque"
    ]  # fmt: skip
    ticket = SupportTicket.objects.get()
    assert (ticket.booking.reference, ticket.status, ticket.assigned_to.email) == (
        "DMOFLY", "in_progress", "staff@safar.example"
    )  # fmt: skip
    assert [(m.from_staff, m.internal) for m in ticket.messages.order_by("id")] == [
        (False, False), (True, True), (True, False)
    ]  # fmt: skip
