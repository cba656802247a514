import pytest
from django.core import mail
from django.urls import reverse

from b2c.models import NewsletterIssue
from b2c.tests.newsletter.helpers import State, snapshot, subscribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers():
    return [
        subscribed("one@example.com", topics=["deals"]),
        subscribed("two@example.com", topics=["news"], language="ar"),
        subscribed("three@example.com", state=State.PENDING),
    ]


def test_subscription_pages_list_filter_and_search(admin_client, readers):
    url = reverse("admin:b2c_newslettersubscription_changelist")

    everyone = admin_client.get(url)
    deals = admin_client.get(url, {"topic": "deals"})
    arabic = admin_client.get(url, {"language": "ar"})
    pending = admin_client.get(url, {"state__exact": "pending"})
    found = admin_client.get(url, {"q": "two@"})
    page = admin_client.get(
        reverse("admin:b2c_newslettersubscription_change", args=[readers[0].pk])
    )

    assert everyone.status_code == page.status_code == 200
    assert everyone.context["cl"].result_count == 3
    assert deals.context["cl"].result_count == 2  # one@, and three@ (pending)
    assert arabic.context["cl"].result_count == 1
    assert pending.context["cl"].result_count == 1
    assert [s.email for s in found.context["cl"].result_list] == ["two@example.com"]
    assert 'name="state"' not in page.content.decode()


def test_staff_unsubscribe_an_address(admin_client, readers):
    url = reverse("admin:b2c_newslettersubscription_changelist")

    admin_client.post(url, {"action": "unsubscribe", "_selected_action": [readers[0].pk]})

    assert snapshot(readers[0])[0] == State.UNSUBSCRIBED
    assert snapshot(readers[1])[0] == State.ACTIVE


def test_staff_write_and_send_an_issue_once(
    admin_client, readers, django_capture_on_commit_callbacks
):
    add = admin_client.get(reverse("admin:b2c_newsletterissue_add"))
    created = admin_client.post(
        reverse("admin:b2c_newsletterissue_add"),
        {"topic": "deals", "language": "en", "subject": "Lisbon for less", "body": "Hello"},
    )
    issue = NewsletterIssue.objects.get()
    change_url = reverse("admin:b2c_newsletterissue_change", args=[issue.pk])
    before = admin_client.get(change_url)
    listing = reverse("admin:b2c_newsletterissue_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        queued = admin_client.post(
            listing, {"action": "send", "_selected_action": [issue.pk]}, follow=True
        )
        again = admin_client.post(
            listing, {"action": "send", "_selected_action": [issue.pk]}, follow=True
        )
    after = admin_client.get(change_url)
    edit = admin_client.post(
        change_url, {"topic": "news", "language": "en", "subject": "Changed", "body": "x"}
    )

    issue.refresh_from_db()
    assert (add.status_code, created.status_code, before.status_code) == (200, 302, 200)
    assert "1 active subscriber of this topic and language" in before.content.decode()
    assert 'name="subject"' in before.content.decode()
    assert [str(m) for m in queued.context["messages"]] == [
        "“Lisbon for less” is queued: its emails go out to its subscribers shortly."
    ]
    assert [str(m) for m in again.context["messages"]] == [
        "“Lisbon for less” was sent already; nothing more was sent."
    ]
    assert [m.to for m in mail.outbox] == [["one@example.com"]]
    assert issue.recipients == 1 and issue.sent_at is not None
    assert after.status_code == 200
    assert 'name="subject"' not in after.content.decode()
    assert edit.status_code in (302, 403)
    assert (issue.subject, issue.topic) == ("Lisbon for less", "deals")
    assert (
        admin_client.post(
            reverse("admin:b2c_newsletterissue_delete", args=[issue.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert NewsletterIssue.objects.count() == 1


def test_sending_only_queues_the_task_after_the_commit(
    admin_client, readers, django_capture_on_commit_callbacks
):
    from unittest import mock

    from b2c.tasks.newsletter import send_newsletter_issue

    issue = NewsletterIssue.objects.create(topic="deals", subject="Soon", body="Hello")
    listing = reverse("admin:b2c_newsletterissue_changelist")

    with (
        mock.patch.object(send_newsletter_issue, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        admin_client.post(listing, {"action": "send", "_selected_action": [issue.pk]})

    issue.refresh_from_db()
    assert len(callbacks) == 1
    delay.assert_called_once_with(issue.pk)
    assert (issue.sent_at is not None, issue.recipients) == (True, 0)
    assert mail.outbox == []
