"""Help-desk API: tickets opened with attachments (multipart), threads without internal notes,
permission-checked downloads, replies, closing, rating; the public FAQ and its votes; 400s that
store nothing and 404s for anyone else's ticket; documented in the schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from b2c.models import FAQ, SupportTicket, TicketAttachment, TicketMessage
from b2c.services.support import (
    staff_reply,
    ticket_close,
    ticket_open,
    ticket_resolve,
)
from b2c.tests.referrals.helpers import booking_for
from b2c.tests.support.conftest import pdf_bytes, pdf_upload, png_upload, stored_files
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TICKETS = reverse("support-api:tickets")
FAQS = reverse("support-api:faq")


def url(name, *args):
    return reverse(f"support-api:{name}", args=args)


def errors(response) -> dict:
    return response.json()["error"]["fields"]


def open_ticket(customer, **fields) -> SupportTicket:
    values = {
        "customer": customer,
        "subject": "Refund for my flight",
        "category": SupportTicket.Category.REFUND,
        "body": "Where is my refund?",
    }
    return ticket_open(**(values | fields))


def rows() -> dict:
    return {
        "tickets": list(SupportTicket.objects.order_by("id").values()),
        "messages": list(TicketMessage.objects.order_by("id").values()),
        "attachments": list(TicketAttachment.objects.order_by("id").values()),
    }


def test_signing_in_is_needed(api_client):
    assert api_client.get(TICKETS).status_code == 401
    assert api_client.post(TICKETS, {}).status_code == 401


# Tickets --------------------------------------------------------------------------------------


def test_open_a_ticket_with_a_pdf_multipart(customer_api, customer, storage_dirs):
    booking = booking_for(customer)

    response = customer_api.post(
        TICKETS,
        {
            "subject": "Refund for my flight",
            "category": "refund",
            "priority": "high",
            "booking": booking.pk,
            "body": "Where is my refund?",
            "attachments": [pdf_upload("my receipt.pdf")],
        },
        format="multipart",
    )

    assert response.status_code == 201
    ticket = SupportTicket.objects.get()
    attachment = TicketAttachment.objects.get()
    body = response.json()
    assert (body["id"], body["reference"], body["subject"]) == (
        ticket.pk, ticket.reference, "Refund for my flight")  # fmt: skip
    assert (body["category"], body["priority"], body["status"], body["status_label"]) == (
        "refund", "high", "open", "Open")  # fmt: skip
    assert body["booking"] == {
        "id": booking.pk, "reference": booking.reference, "status": "confirmed"}  # fmt: skip
    assert (body["satisfaction"], body["resolved_at"], body["closed_at"]) == (None, None, None)
    assert "first_response_due" not in body and "resolution_due" not in body
    [message] = body["messages"]
    assert (message["from_staff"], message["body"]) == (False, "Where is my refund?")
    assert message["attachments"] == [
        {
            "id": attachment.pk,
            "name": "my receipt.pdf",
            "content_type": "application/pdf",
            "size": len(pdf_bytes()),
            "url": "http://testserver" + url("ticket-attachment", ticket.pk, attachment.pk),
        }
    ]
    assert stored_files(storage_dirs) == [f"private/{attachment.file.name}"]

    download = customer_api.get(message["attachments"][0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="my receipt.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"


def test_open_a_ticket_with_json(customer_api):
    response = customer_api.post(
        TICKETS,
        {"subject": "My points", "category": "loyalty", "body": "Missing points."},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["priority"], response.json()["booking"]) == ("normal", None)
    assert response.json()["messages"][0]["attachments"] == []


def test_customers_cannot_open_an_urgent_ticket(customer_api):
    response = customer_api.post(
        TICKETS,
        {"subject": "My points", "category": "loyalty", "body": "Missing.", "priority": "urgent"},
        format="json",
    )

    assert response.status_code == 400
    assert list(errors(response)) == ["priority"]
    assert not SupportTicket.objects.exists()


def test_a_png_named_pdf_is_refused_and_nothing_is_stored(customer_api, storage_dirs):
    fake = SimpleUploadedFile("receipt.pdf", png_upload().read(), content_type="application/pdf")

    response = customer_api.post(
        TICKETS,
        {"subject": "Refund", "category": "refund", "body": "See the receipt.",
         "attachments": [pdf_upload("good.pdf"), fake]},
        format="multipart",
    )  # fmt: skip

    assert response.status_code == 400
    assert errors(response) == {
        "attachments": [
            "“receipt.pdf” is not what its name says: attach a JPEG, PNG or WebP image, or a PDF."
        ]
    }
    assert rows() == {"tickets": [], "messages": [], "attachments": []}
    assert stored_files(storage_dirs) == []


def test_someone_elses_booking_is_a_field_error(customer_api):
    booking = booking_for(CustomerFactory())

    response = customer_api.post(
        TICKETS,
        {"subject": "Refund", "category": "refund", "body": "Help", "booking": booking.pk},
        format="json",
    )

    assert response.status_code == 400
    assert errors(response) == {"booking": ["Booking not found."]}
    assert not SupportTicket.objects.exists()


def test_a_short_subject_and_an_unknown_category_are_field_errors(customer_api):
    response = customer_api.post(
        TICKETS, {"subject": "Hi", "category": "refund", "body": "Help"}, format="json"
    )

    assert response.status_code == 400
    assert errors(response) == {"subject": ["The subject must be 3 to 150 characters long."]}
    response = customer_api.post(
        TICKETS, {"subject": "Hello", "category": "weather", "body": "Help"}, format="json"
    )
    assert errors(response) == {"category": ["Choose what the ticket is about."]}
    assert not SupportTicket.objects.exists()


def test_the_list_is_mine_newest_first(customer_api, customer):
    first = open_ticket(customer, subject="First")
    second = open_ticket(customer, subject="Second")
    open_ticket(CustomerFactory(), subject="Not mine")

    body = customer_api.get(TICKETS).json()

    assert body["count"] == 2
    assert [(t["id"], t["subject"]) for t in body["results"]] == [
        (second.pk, "Second"),
        (first.pk, "First"),
    ]


def test_another_customers_ticket_is_404_everywhere(customer_api):
    ticket = open_ticket(CustomerFactory(), attachments=[pdf_upload()])
    attachment = TicketAttachment.objects.get()
    before = rows()

    for response in (
        customer_api.get(url("ticket", ticket.pk)),
        customer_api.get(url("ticket-messages", ticket.pk)),
        customer_api.post(url("ticket-messages", ticket.pk), {"body": "Hi"}, format="json"),
        customer_api.post(url("ticket-close", ticket.pk)),
        customer_api.post(url("ticket-rating", ticket.pk), {"satisfaction": 5}, format="json"),
        customer_api.get(url("ticket-attachment", ticket.pk, attachment.pk)),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert rows() == before


def test_an_attachment_of_another_ticket_is_404_through_mine(customer_api, customer):
    mine = open_ticket(customer)
    open_ticket(CustomerFactory(), attachments=[pdf_upload()])
    theirs = TicketAttachment.objects.get()

    response = customer_api.get(
        url("ticket-attachment", mine.pk, theirs.pk), HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_an_attachment_can_be_asked_for_by_its_type(customer_api, customer):
    ticket = open_ticket(customer, attachments=[pdf_upload()])
    attachment = TicketAttachment.objects.get()

    response = customer_api.get(
        url("ticket-attachment", ticket.pk, attachment.pk), HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()


# Threads --------------------------------------------------------------------------------------


def test_internal_notes_never_reach_the_customer(customer_api, customer, staff):
    ticket = open_ticket(customer)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Refund sent on Monday.")
    staff_reply(
        staff_user=staff,
        ticket_id=ticket.pk,
        body="INTERNAL: card issuer is slow",
        internal=True,
        attachments=[pdf_upload("internal-notes.pdf")],
    )
    note_file = TicketAttachment.objects.get()

    thread = customer_api.get(url("ticket-messages", ticket.pk))
    detail = customer_api.get(url("ticket", ticket.pk))

    assert thread.status_code == 200
    assert [(m["from_staff"], m["author_name"], m["body"]) for m in thread.json()["results"]] == [
        (False, customer.user.first_name, "Where is my refund?"),
        (True, "Layla", "Refund sent on Monday."),
    ]
    assert [m["body"] for m in detail.json()["messages"]] == [
        "Where is my refund?",
        "Refund sent on Monday.",
    ]
    for response in (thread, detail):
        assert "INTERNAL" not in response.content.decode()
        assert "internal-notes.pdf" not in response.content.decode()
    download = customer_api.get(url("ticket-attachment", ticket.pk, note_file.pk))
    assert download.status_code == 404


def test_reply_with_an_image(customer_api, customer, staff):
    ticket = open_ticket(customer)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Which card?", wait_for_customer=True)

    response = customer_api.post(
        url("ticket-messages", ticket.pk),
        {"body": "The Visa card.", "attachments": [png_upload("card.png")]},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    attachment = TicketAttachment.objects.get()
    assert (body["from_staff"], body["body"]) == (False, "The Visa card.")
    assert [(a["id"], a["name"], a["content_type"]) for a in body["attachments"]] == [
        (attachment.pk, "card.jpg", attachment.content_type)
    ]
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_a_reply_to_a_closed_ticket_is_refused_and_stores_nothing(
    customer_api, customer, storage_dirs
):
    ticket = open_ticket(customer)
    ticket_close(customer=customer, ticket_id=ticket.pk)
    before = rows()

    response = customer_api.post(
        url("ticket-messages", ticket.pk),
        {"body": "One more thing", "attachments": [pdf_upload()]},
        format="multipart",
    )

    assert response.status_code == 400
    assert errors(response) == {"non_field_errors": ["This ticket is closed; open a new one."]}
    assert rows() == before
    assert stored_files(storage_dirs) == []


def test_an_empty_reply_is_a_field_error(customer_api, customer):
    ticket = open_ticket(customer)
    before = rows()

    response = customer_api.post(url("ticket-messages", ticket.pk), {"body": "  "}, format="json")

    assert response.status_code == 400
    assert errors(response) == {"body": ["Write a message."]}
    assert rows() == before


def test_the_thread_takes_as_many_queries_for_one_message_as_for_many(
    customer_api, customer, staff
):
    ticket = open_ticket(customer, attachments=[pdf_upload()])
    with CaptureQueriesContext(connection) as one:
        assert customer_api.get(url("ticket-messages", ticket.pk)).json()["count"] == 1

    for n in range(5):
        staff_reply(staff_user=staff, ticket_id=ticket.pk, body=f"Answer {n}",
                    attachments=[pdf_upload(f"{n}.pdf")])  # fmt: skip
        staff_reply(staff_user=staff, ticket_id=ticket.pk, body=f"Note {n}", internal=True)
    with CaptureQueriesContext(connection) as many:
        assert customer_api.get(url("ticket-messages", ticket.pk)).json()["count"] == 6

    assert len(many) == len(one)


def test_the_ticket_list_takes_as_many_queries_for_one_as_for_many(customer_api, customer):
    open_ticket(customer, booking_id=booking_for(customer).pk)
    with CaptureQueriesContext(connection) as one:
        customer_api.get(TICKETS)

    for _n in range(5):
        open_ticket(customer, booking_id=booking_for(customer).pk)
    with CaptureQueriesContext(connection) as many:
        assert customer_api.get(TICKETS).json()["count"] == 6

    assert len(many) == len(one)


# Closing and rating ---------------------------------------------------------------------------


def test_close_then_closing_again_is_refused(customer_api, customer):
    ticket = open_ticket(customer)

    closed = customer_api.post(url("ticket-close", ticket.pk))

    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["status_label"]) == ("closed", "Closed")
    again = customer_api.post(url("ticket-close", ticket.pk))
    assert again.status_code == 400
    assert errors(again) == {"non_field_errors": ["This ticket is already closed."]}


def test_rate_a_resolved_ticket_once(customer_api, customer, staff):
    ticket = open_ticket(customer)
    early = customer_api.post(url("ticket-rating", ticket.pk), {"satisfaction": 4}, format="json")
    assert early.status_code == 400
    assert errors(early) == {
        "non_field_errors": ["You can rate the help once the ticket is resolved."]
    }
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)

    rated = customer_api.post(
        url("ticket-rating", ticket.pk), {"satisfaction": 4, "comment": "Quick"}, format="json"
    )

    assert rated.status_code == 200
    assert (rated.json()["satisfaction"], rated.json()["satisfaction_comment"]) == (4, "Quick")
    again = customer_api.post(url("ticket-rating", ticket.pk), {"satisfaction": 1}, format="json")
    assert errors(again) == {"non_field_errors": ["You have already rated this ticket."]}
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (4, "Quick")


def test_a_rating_outside_1_to_5_is_a_field_error(customer_api, customer, staff):
    ticket = open_ticket(customer)
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)

    response = customer_api.post(url("ticket-rating", ticket.pk), {"satisfaction": 6})

    assert response.status_code == 400
    assert list(errors(response)) == ["satisfaction"]
    ticket.refresh_from_db()
    assert ticket.satisfaction is None


# FAQ ------------------------------------------------------------------------------------------


def faq(category="baggage", position=0, published=True, **texts) -> FAQ:
    values = {
        f"{part}_{lang}": f"{part} {lang}"
        for part in ("question", "answer")
        for lang in ("en", "ar", "bn", "ur")
    }
    return FAQ.objects.create(
        category=category, position=position, is_published=published, **(values | texts)
    )


def test_search_the_faq_in_bengali(api_client):
    baggage = faq(question_bn="আমি কত কেজি ব্যাগ নিতে পারি?", answer_bn="ইকোনমি ক্লাসে ৩০ কেজি।")
    faq(question_en="ব্যাগ in English only")

    response = api_client.get(FAQS, {"q": "ব্যাগ", "lang": "bn"})

    assert response.status_code == 200
    assert response.json() == {
        "language": "bn",
        "query": "ব্যাগ",
        "results": [
            {
                "id": baggage.pk,
                "question": "আমি কত কেজি ব্যাগ নিতে পারি?",
                "answer": "ইকোনমি ক্লাসে ৩০ কেজি।",
                "category": "baggage",
            }
        ],
        "categories": [],
    }


def test_the_language_defaults_to_the_requests(api_client):
    entry = faq(question_ur="سامان کتنا؟")

    response = api_client.get(FAQS, {"q": "سامان"}, HTTP_ACCEPT_LANGUAGE="ur")

    assert response.json()["language"] == "ur"
    assert [r["id"] for r in response.json()["results"]] == [entry.pk]


def test_without_a_query_the_faq_is_by_category(api_client):
    second = faq(category="baggage", position=2, question_en="Second")
    first = faq(category="baggage", position=1, question_en="First")
    booking = faq(category="booking", question_en="Change a booking")
    faq(category="loyalty", published=False)

    body = api_client.get(FAQS, {"lang": "en"}).json()

    assert body["results"] == []
    assert body["categories"] == [
        {"category": "booking", "label": "Booking and changes",
         "entries": [{"id": booking.pk, "question": "Change a booking", "answer": "answer en"}]},
        {"category": "baggage", "label": "Baggage and check-in",
         "entries": [{"id": first.pk, "question": "First", "answer": "answer en"},
                     {"id": second.pk, "question": "Second", "answer": "answer en"}]},
    ]  # fmt: skip


def test_an_unknown_language_is_a_field_error(api_client):
    response = api_client.get(FAQS, {"q": "bag", "lang": "fr"})

    assert response.status_code == 400
    assert list(errors(response)) == ["lang"]


def test_each_vote_counts_once(api_client):
    entry = faq()

    assert api_client.post(url("faq-vote", entry.pk), {"helpful": True}).status_code == 204
    entry.refresh_from_db()
    assert (entry.helpful_yes, entry.helpful_no) == (1, 0)
    assert api_client.post(url("faq-vote", entry.pk), {"helpful": False}).status_code == 204
    entry.refresh_from_db()
    assert (entry.helpful_yes, entry.helpful_no) == (1, 1)


def test_a_vote_needs_helpful_and_a_published_entry(api_client):
    hidden = faq(published=False)
    entry = faq()

    missing = api_client.post(url("faq-vote", entry.pk), {}, format="json")
    unpublished = api_client.post(url("faq-vote", hidden.pk), {"helpful": True})

    assert missing.status_code == 400
    assert list(errors(missing)) == ["helpful"]
    assert unpublished.status_code == 404
    assert list(FAQ.objects.values_list("helpful_yes", "helpful_no")) == [(0, 0), (0, 0)]


def test_votes_are_throttled_per_address(api_client):
    entry = faq()

    answers = [
        api_client.post(url("faq-vote", entry.pk), {"helpful": True}).status_code for _ in range(31)
    ]

    assert answers == [204] * 30 + [429]
    entry.refresh_from_db()
    assert entry.helpful_yes == 30


# Schema ---------------------------------------------------------------------------------------


def test_the_schema_of_these_endpoints_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    from b2c.api.support import urlpatterns

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include((urlpatterns, "support-api")))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS
    paths = schema["paths"]
    assert set(paths["/api/v1/tickets/"]) >= {"get", "post"}
    assert set(paths["/api/v1/tickets/{ticket_id}/messages/"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/tickets/{ticket_id}/attachments/{attachment_id}/"]
    assert "get" in paths["/api/v1/faq/"]
    assert "post" in paths["/api/v1/faq/{faq_id}/vote/"]
    create = paths["/api/v1/tickets/"]["post"]["requestBody"]["content"]
    assert set(create) == {"multipart/form-data", "application/json"}
    download = paths["/api/v1/tickets/{ticket_id}/attachments/{attachment_id}/"]["get"]
    assert set(download["responses"]["200"]["content"]) == {
        "application/pdf", "image/jpeg", "image/png"}  # fmt: skip
