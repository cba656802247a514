import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from freezegun import freeze_time

from b2c.models import NewsletterIssue
from b2c.services.newsletter import newsletter_issue_send, newsletter_unsubscribe_token
from b2c.tests.newsletter.helpers import State, link_path, snapshot, subscribed, token_of
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 1, 8, 0, tzinfo=dt.UTC)
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def readers():
    return {
        "deals_en": subscribed("deals.en@example.com", topics=["deals"], language="en"),
        "all_en": subscribed("all.en@example.com", topics=["deals", "destinations", "news"]),
        "deals_ar": subscribed("deals.ar@example.com", topics=["deals"], language="ar"),
        "news_en": subscribed("news.en@example.com", topics=["news"], language="en"),
        "pending": subscribed("pending@example.com", state=State.PENDING),
        "gone": subscribed("gone@example.com", state=State.UNSUBSCRIBED),
    }


def issue(**values) -> NewsletterIssue:
    defaults = {"topic": "deals", "language": "en", "subject": "100% off? %(no)s, but close",
                "body": "Fares to Lisbon are down.\n\nBook <soon>."}  # fmt: skip
    return NewsletterIssue.objects.create(**(defaults | values))


def send(django_capture_on_commit_callbacks, the_issue):
    mail.outbox.clear()
    with freeze_time(NOW), django_capture_on_commit_callbacks(execute=True):
        return newsletter_issue_send(issue=the_issue)


def test_only_active_subscribers_of_the_topic_and_language_get_it(
    readers, django_capture_on_commit_callbacks
):
    sent = send(django_capture_on_commit_callbacks, issue())

    assert sorted(message.to[0] for message in mail.outbox) == [
        "all.en@example.com",
        "deals.en@example.com",
    ]
    assert (sent.sent_at, sent.recipients) == (NOW, 2)
    sent.refresh_from_db()
    assert (sent.sent_at, sent.recipients) == (NOW, 2)


def test_each_email_carries_its_own_one_click_unsubscribe(
    readers, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, issue())

    message = next(m for m in mail.outbox if m.to == ["deals.en@example.com"])
    path = f"/newsletter/unsubscribe/{newsletter_unsubscribe_token(readers['deals_en'])}/"
    assert message.subject == "100% off? %(no)s, but close"
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{path}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_path(message, "unsubscribe") == path
    assert "Fares to Lisbon are down." in message.body
    html = message.alternatives[0][0]
    assert f'href="{SITE}{path}"' in html
    assert "Book &lt;soon&gt;." in html
    other = next(m for m in mail.outbox if m.to == ["all.en@example.com"])
    assert other.extra_headers["List-Unsubscribe"] != message.extra_headers["List-Unsubscribe"]


def test_the_rfc_8058_one_click_post_unsubscribes_without_a_csrf_token(
    readers, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, issue())
    message = next(m for m in mail.outbox if m.to == ["deals.en@example.com"])
    path = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    again = provider.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == again.status_code == 200
    assert snapshot(readers["deals_en"])[0] == State.UNSUBSCRIBED
    assert snapshot(readers["all_en"])[0] == State.ACTIVE
    # The next issue of the topic no longer goes to them.
    send(django_capture_on_commit_callbacks, issue(subject="Next week"))
    assert [m.to for m in mail.outbox] == [["all.en@example.com"]]


def test_opening_the_unsubscribe_link_asks_and_does_not_unsubscribe(client, readers):
    subscription = readers["deals_en"]
    path = f"/newsletter/unsubscribe/{newsletter_unsubscribe_token(subscription)}/"

    page = client.get(path)

    html = page.content.decode()
    assert page.status_code == 200
    assert '<form method="post"' in html
    assert "deals.en@example.com" in html
    assert "csrfmiddlewaretoken" not in html
    assert snapshot(subscription)[0] == State.ACTIVE
    assert client.post(path).status_code == 200
    assert snapshot(subscription)[0] == State.UNSUBSCRIBED


def test_a_tampered_unsubscribe_link_is_404_and_changes_nothing(client, readers):
    subscription = readers["deals_en"]
    token = newsletter_unsubscribe_token(subscription)
    before = snapshot(subscription)
    forged = [
        token[:-2] + ("xx" if not token.endswith("xx") else "yy"),
        f"{readers['all_en'].pk}{token[token.index(':') :]}",
        "garbage",
    ]

    responses = [client.get(f"/newsletter/unsubscribe/{t}/").status_code for t in forged]
    responses += [client.post(f"/newsletter/unsubscribe/{t}/").status_code for t in forged]

    assert responses == [404] * 6
    assert snapshot(subscription) == before
    assert snapshot(readers["all_en"])[0] == State.ACTIVE


def test_sending_again_sends_nothing_more(readers, django_capture_on_commit_callbacks):
    the_issue = issue()
    first = send(django_capture_on_commit_callbacks, the_issue)
    subscribed("late@example.com", topics=["deals"])
    outbox = OutboxMessage.objects.count()

    second = send(django_capture_on_commit_callbacks, the_issue)

    assert mail.outbox == []
    assert OutboxMessage.objects.count() == outbox
    assert (second.sent_at, second.recipients) == (first.sent_at, 2)


def test_a_send_that_missed_the_first_one_adds_no_email_for_the_same_address(
    readers, django_capture_on_commit_callbacks
):
    # As if a second send had read the issue before the first recorded sent_at: the outbox
    # keys (issue, address) still let each address have it once.
    the_issue = issue()
    send(django_capture_on_commit_callbacks, the_issue)
    NewsletterIssue.objects.filter(pk=the_issue.pk).update(sent_at=None)

    send(django_capture_on_commit_callbacks, the_issue)

    assert mail.outbox == []
    assert (
        OutboxMessage.objects.filter(dedupe_key__startswith="email:newsletter-issue:").count() == 2
    )


def test_the_issue_is_rendered_in_its_language(readers, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks, issue(language="ar", subject="عروض"))

    message = mail.outbox[0]
    assert message.to == ["deals.ar@example.com"]
    assert message.extra_headers["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in message.alternatives[0][0]
    assert token_of(link_path(message, "unsubscribe")) == newsletter_unsubscribe_token(
        readers["deals_ar"]
    )
