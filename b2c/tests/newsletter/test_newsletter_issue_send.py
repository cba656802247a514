import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from freezegun import freeze_time

from b2c.models import NewsletterIssue
from b2c.services.newsletter import (
    NewsletterIssueSentAlready,
    newsletter_issue_queue,
    newsletter_issue_send,
    newsletter_unsubscribe,
    newsletter_unsubscribe_token,
)
from b2c.tasks.newsletter import send_newsletter_issue
from b2c.tests.newsletter.helpers import State, link_path, snapshot, subscribed, token_of
from core.testing.concurrency import race
from notifications.models import OutboxMessage
from notifications.services import email_write

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
    """Staff send it: queued, and the task (eager here) writes the emails after the commit."""
    mail.outbox.clear()
    with freeze_time(NOW), django_capture_on_commit_callbacks(execute=True):
        newsletter_issue_queue(issue_id=the_issue.pk)
    the_issue.refresh_from_db()
    return the_issue


def run_task(django_capture_on_commit_callbacks, the_issue, **kwargs):
    """The task again (a retry, or the message delivered twice)."""
    mail.outbox.clear()
    with freeze_time(NOW), django_capture_on_commit_callbacks(execute=True):
        return newsletter_issue_send(issue_id=the_issue.pk, **kwargs)


def issue_keys(the_issue) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(
            dedupe_key__startswith=f"email:newsletter-issue:{the_issue.pk}:"
        ).values_list("dedupe_key", flat=True)
    )


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


def test_sending_again_is_refused_and_changes_nothing(readers, django_capture_on_commit_callbacks):
    the_issue = issue()
    first = send(django_capture_on_commit_callbacks, the_issue)
    outbox = OutboxMessage.objects.count()
    mail.outbox.clear()

    with (
        pytest.raises(NewsletterIssueSentAlready) as refused,
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsletter_issue_queue(issue_id=the_issue.pk)

    assert refused.value.message == (
        "“100% off? %(no)s, but close” was sent already; nothing more was sent."
    )
    assert mail.outbox == []
    assert OutboxMessage.objects.count() == outbox
    the_issue.refresh_from_db()
    assert (the_issue.sent_at, the_issue.recipients) == (first.sent_at, 2)


def test_queueing_marks_it_sent_and_writes_nothing_before_the_commit(readers):
    the_issue = issue()

    with freeze_time(NOW), mock.patch.object(send_newsletter_issue, "delay") as delay:
        newsletter_issue_queue(issue_id=the_issue.pk)

    # The test's transaction never commits: the task is not queued, no email is written.
    delay.assert_not_called()
    the_issue.refresh_from_db()
    assert (the_issue.sent_at, the_issue.recipients) == (NOW, 0)
    assert issue_keys(the_issue) == []


def test_the_task_is_queued_after_the_commit_with_the_issue_id(
    readers, django_capture_on_commit_callbacks
):
    the_issue = issue()

    with (
        mock.patch.object(send_newsletter_issue, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsletter_issue_queue(issue_id=the_issue.pk)

    delay.assert_called_once_with(the_issue.pk)


def test_a_broker_that_is_down_lets_staff_send_it_again(
    readers, django_capture_on_commit_callbacks
):
    the_issue = issue()
    with (
        mock.patch.object(send_newsletter_issue, "delay", side_effect=OSError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsletter_issue_queue(issue_id=the_issue.pk)
    the_issue.refresh_from_db()
    assert (the_issue.sent_at, the_issue.recipients, issue_keys(the_issue)) == (None, 0, [])

    sent = send(django_capture_on_commit_callbacks, the_issue)

    assert (sent.sent_at, sent.recipients, len(mail.outbox)) == (NOW, 2, 2)


def test_the_task_sent_through_celery_writes_the_emails(
    readers, django_capture_on_commit_callbacks
):
    the_issue = issue()
    NewsletterIssue.objects.filter(pk=the_issue.pk).update(sent_at=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        result = send_newsletter_issue.delay(the_issue.pk)  # eager in tests

    assert result.get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["all.en@example.com", "deals.en@example.com"]


def test_a_retried_task_sends_nobody_a_second_email(readers, django_capture_on_commit_callbacks):
    the_issue = issue()
    send(django_capture_on_commit_callbacks, the_issue)
    keys = issue_keys(the_issue)

    again = run_task(django_capture_on_commit_callbacks, the_issue)

    assert mail.outbox == []
    assert issue_keys(the_issue) == keys
    assert len(keys) == 2
    assert (again.sent_at, again.recipients) == (NOW, 2)


def test_the_audience_is_who_was_subscribed_when_staff_sent_it(
    readers, django_capture_on_commit_callbacks
):
    the_issue = issue()
    send(django_capture_on_commit_callbacks, the_issue)
    with freeze_time(NOW + dt.timedelta(minutes=5)):
        subscribed("late@example.com", topics=["deals"])

    again = run_task(django_capture_on_commit_callbacks, the_issue)

    assert mail.outbox == []
    assert again.recipients == 2


def test_someone_who_unsubscribes_before_the_task_runs_does_not_get_it(
    readers, django_capture_on_commit_callbacks
):
    the_issue = issue()
    with (
        mock.patch.object(send_newsletter_issue, "delay"),
        freeze_time(NOW),
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsletter_issue_queue(issue_id=the_issue.pk)
    newsletter_unsubscribe(token=newsletter_unsubscribe_token(readers["deals_en"]))

    sent = run_task(django_capture_on_commit_callbacks, the_issue)

    assert [m.to for m in mail.outbox] == [["all.en@example.com"]]
    assert sent.recipients == 1


def test_a_task_that_failed_half_way_resumes_where_it_stopped(
    django_capture_on_commit_callbacks,
):
    readers = [subscribed(f"r{n}@example.com", topics=["deals"]) for n in range(5)]
    the_issue = issue()
    NewsletterIssue.objects.filter(pk=the_issue.pk).update(sent_at=NOW)
    calls = []

    def flaky_write(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 3:  # the first email of the second batch
            raise OSError("database went away")
        return email_write(**kwargs)

    with (
        mock.patch("notifications.services.email_write", side_effect=flaky_write),
        pytest.raises(OSError),
    ):
        run_task(django_capture_on_commit_callbacks, the_issue, batch_size=2)
    # The first batch was committed and delivered; the second rolled back.
    assert sorted(m.to[0] for m in mail.outbox) == ["r0@example.com", "r1@example.com"]
    the_issue.refresh_from_db()
    assert the_issue.recipients == 2

    resumed = run_task(django_capture_on_commit_callbacks, the_issue, batch_size=2)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "r2@example.com", "r3@example.com", "r4@example.com",
    ]  # fmt: skip
    assert resumed.recipients == 5
    assert issue_keys(the_issue) == sorted(
        f"email:newsletter-issue:{the_issue.pk}:{r.pk}" for r in readers
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_and_two_tasks_at_once_send_each_subscriber_one_email():
    readers = [subscribed(f"r{n}@example.com", topics=["deals"]) for n in range(6)]
    the_issue = issue()
    mail.outbox.clear()

    with mock.patch.object(send_newsletter_issue, "delay") as delay:
        clicks, click_errors = race(4, lambda i: newsletter_issue_queue(issue_id=the_issue.pk).pk)
    # The message delivered twice (acks_late) and a retry: three runs at once.
    runs, run_errors = race(
        3, lambda i: newsletter_issue_send(issue_id=the_issue.pk, batch_size=2).recipients
    )

    assert (click_errors, run_errors) == ([], [])
    assert (
        sorted(clicks, key=str)
        == [the_issue.pk]
        + ["“100% off? %(no)s, but close” was sent already; nothing more was sent."] * 3
    )
    delay.assert_called_once_with(the_issue.pk)
    assert runs == [6, 6, 6]
    assert sorted(m.to[0] for m in mail.outbox) == [r.email for r in readers]
    assert issue_keys(the_issue) == sorted(
        f"email:newsletter-issue:{the_issue.pk}:{r.pk}" for r in readers
    )
