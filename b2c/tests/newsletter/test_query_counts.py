import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from b2c.models import NewsletterIssue
from b2c.services.newsletter import newsletter_issue_send, newsletter_subscribe
from b2c.tests.newsletter.helpers import subscribed, verify

pytestmark = pytest.mark.django_db


def queries_to_send(readers: int) -> int:
    NewsletterIssue.objects.all().delete()
    for n in range(readers):
        subscribed(f"reader{readers}-{n}@example.com", topics=["deals"])
    issue = NewsletterIssue.objects.create(topic="deals", subject="Deals", body="Cheap")
    with CaptureQueriesContext(connection) as captured:
        newsletter_issue_send(issue_id=issue.pk)
    return len(captured)


def test_sending_costs_a_fixed_number_of_queries_per_recipient():
    # Per recipient: the outbox row's get-or-create (select, savepoint, insert, release); per
    # batch of BATCH_SIZE a fixed few (savepoint, issue lock, subscribers, keys written, count).
    two = queries_to_send(2)
    four = queries_to_send(4)  # six readers by then: 2 from before, 4 new

    assert (four - two) == 4 * 4


@pytest.mark.parametrize(("linked", "budget"), [(True, 8), (False, 10)])
def test_the_page_of_a_subscribed_customer_has_a_fixed_query_budget(
    customer_client, customer, linked, budget
):
    email = verify(customer)
    if linked:
        newsletter_subscribe(email=email, topics=["deals"], language="en", customer=customer)
    else:
        subscribed(email)  # as a visitor: found by the customer's verified address
    customer_client.get("/newsletter/")

    with CaptureQueriesContext(connection) as captured:
        response = customer_client.get("/newsletter/")

    assert response.status_code == 200
    assert "Save my newsletter settings" in response.content.decode()
    # session, user, customer, the linked subscription (else also the verified addresses and
    # the subscription of one of them), the unread count in the header, and the session save
    # (savepoint, update, release); one fewer when sessions are cached in Redis (CI's
    # PostgreSQL pass), so the budget is a ceiling.
    assert len(captured) <= budget
