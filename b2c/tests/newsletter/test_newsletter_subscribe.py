import datetime as dt

import pytest
from django.core import mail
from freezegun import freeze_time

from b2c.models import NewsletterSubscription
from b2c.services.newsletter import (
    NewsletterLinkExpired,
    NewsletterLinkInvalid,
    newsletter_confirm,
    newsletter_confirm_token,
    newsletter_preferences_set,
    newsletter_subscribe,
    newsletter_unsubscribe,
    newsletter_unsubscribe_token,
)
from b2c.tests.newsletter.helpers import (
    State,
    link_path,
    snapshot,
    subscribed,
    token_of,
    verify,
)
from core.exceptions import ApplicationError
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 1, 8, 0, tzinfo=dt.UTC)


def test_a_new_address_is_pending_and_gets_one_confirmation_email_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        subscription = newsletter_subscribe(
            email="  Reader@Example.COM ", topics=["news", "deals"], language="ar"
        )
        assert mail.outbox == []  # nothing leaves before the commit

    subscription.refresh_from_db()
    assert len(callbacks) == 1
    assert (subscription.email, subscription.state) == ("reader@example.com", State.PENDING)
    assert subscription.topics == ["deals", "news"]
    assert subscription.language == "ar"
    assert (subscription.confirmed_at, subscription.customer_id) == (None, None)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"]
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.extra_headers["Content-Language"] == "ar"
    path = link_path(message, "confirm")
    assert path.startswith("/newsletter/confirm/")


def test_following_the_link_activates_the_subscription(client, django_capture_on_commit_callbacks):
    with freeze_time(NOW - dt.timedelta(days=6)), django_capture_on_commit_callbacks(execute=True):
        newsletter_subscribe(email="reader@example.com", topics=["deals"], language="en")
    path = link_path(mail.outbox[0], "confirm")

    with freeze_time(NOW):
        response = client.get(path)
    with freeze_time(NOW + dt.timedelta(hours=1)):
        again = client.get(path)

    subscription = NewsletterSubscription.objects.get()
    assert response.status_code == again.status_code == 200
    assert "reader@example.com" in response.content.decode()
    assert subscription.state == State.ACTIVE
    assert subscription.confirmed_at == NOW  # following it again changes nothing


def test_an_expired_confirmation_link_is_refused(client):
    with freeze_time(NOW):
        subscription = newsletter_subscribe(email="reader@example.com", topics=["deals"],
                                            language="en")  # fmt: skip
        token = newsletter_confirm_token(subscription)
    before = snapshot(subscription)

    with freeze_time(NOW + dt.timedelta(days=7, seconds=1)):
        with pytest.raises(NewsletterLinkExpired):
            newsletter_confirm(token=token)
        page = client.get(f"/newsletter/confirm/{token}/")
    with freeze_time(NOW + dt.timedelta(days=6, hours=23)):
        newsletter_confirm(token=token)

    assert page.status_code == 400
    assert before[0] == State.PENDING
    assert snapshot(subscription)[0] == State.ACTIVE  # still valid the day before


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: "9999" + t[t.index(":") :],  # another id, same signature
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_confirmation_link_is_refused_and_changes_nothing(client, change):
    subscription = newsletter_subscribe(email="reader@example.com", topics=["deals"],
                                        language="en")  # fmt: skip
    token = change(newsletter_confirm_token(subscription))
    before = snapshot(subscription)

    with pytest.raises(NewsletterLinkInvalid):
        newsletter_confirm(token=token)
    page = client.get(f"/newsletter/confirm/{token}/")

    assert page.status_code == 404
    assert snapshot(subscription) == before


def test_an_unsubscribe_token_does_not_confirm_nor_the_other_way_round():
    subscription = newsletter_subscribe(email="reader@example.com", topics=["deals"],
                                        language="en")  # fmt: skip

    with pytest.raises(NewsletterLinkInvalid):
        newsletter_confirm(token=newsletter_unsubscribe_token(subscription))
    with pytest.raises(NewsletterLinkInvalid):
        newsletter_unsubscribe(token=newsletter_confirm_token(subscription))

    assert snapshot(subscription)[0] == State.PENDING


def test_an_active_address_only_takes_the_new_topics_and_language(
    django_capture_on_commit_callbacks,
):
    subscription = subscribed("reader@example.com", topics=["deals"], language="en")
    outbox = OutboxMessage.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        again = newsletter_subscribe(email="READER@example.com", topics=["news"], language="bn")

    subscription.refresh_from_db()
    assert again.pk == subscription.pk
    assert NewsletterSubscription.objects.count() == 1
    assert (subscription.state, subscription.topics, subscription.language) == (
        State.ACTIVE, ["news"], "bn"
    )  # fmt: skip
    assert OutboxMessage.objects.count() == outbox
    assert mail.outbox == []


def test_a_pending_address_asking_again_the_same_day_gets_no_second_email(
    django_capture_on_commit_callbacks,
):
    with freeze_time(NOW), django_capture_on_commit_callbacks(execute=True):
        newsletter_subscribe(email="reader@example.com", topics=["deals"], language="en")
        newsletter_subscribe(email="reader@example.com", topics=["news"], language="en")
    with freeze_time(NOW + dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        newsletter_subscribe(email="reader@example.com", topics=["news"], language="en")

    assert len(mail.outbox) == 2  # one a day
    assert NewsletterSubscription.objects.get().topics == ["news"]


def test_an_unsubscribed_address_must_confirm_again(django_capture_on_commit_callbacks):
    subscription = subscribed("reader@example.com", state=State.UNSUBSCRIBED)
    old_confirm = newsletter_confirm_token(subscription)

    with django_capture_on_commit_callbacks(execute=True):
        newsletter_subscribe(email="reader@example.com", topics=["deals"], language="en")

    assert snapshot(subscription)[0] == State.PENDING
    assert len(mail.outbox) == 1
    newsletter_confirm(token=token_of(link_path(mail.outbox[0], "confirm")))
    assert snapshot(subscription)[0] == State.ACTIVE
    assert old_confirm  # the old link was for the same row: harmless once asked again


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe():
    subscription = subscribed("reader@example.com", state=State.UNSUBSCRIBED)
    before = snapshot(subscription)

    with pytest.raises(NewsletterLinkExpired):
        newsletter_confirm(token=newsletter_confirm_token(subscription))

    assert snapshot(subscription) == before


def test_unsubscribing_is_idempotent():
    subscription = subscribed("reader@example.com")
    token = newsletter_unsubscribe_token(subscription)

    with freeze_time(NOW):
        newsletter_unsubscribe(token=token)
    with freeze_time(NOW + dt.timedelta(hours=1)):
        newsletter_unsubscribe(token=token)

    assert snapshot(subscription)[0] == State.UNSUBSCRIBED
    assert subscription.unsubscribed_at == NOW


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"email": "not-an-email"}, {"email"}),
        ({"email": "a@" + "b" * 250 + ".com"}, {"email"}),
        ({"topics": []}, {"topics"}),
        ({"topics": ["deals", "gossip"]}, {"topics"}),
        ({"topics": "deals"}, {"topics"}),
        ({"language": "fr"}, {"language"}),
        ({"email": "", "topics": [], "language": "xx"}, {"email", "topics", "language"}),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_is_written(values, fields):
    subscribed("reader@example.com", topics=["deals"])
    outbox = OutboxMessage.objects.count()
    arguments = {"email": "new@example.com", "topics": ["deals"], "language": "en"} | values

    with pytest.raises(ApplicationError) as refused:
        newsletter_subscribe(**arguments)

    assert set(refused.value.extra) == fields
    assert NewsletterSubscription.objects.count() == 1
    assert OutboxMessage.objects.count() == outbox


def test_a_customers_own_verified_address_is_subscribed_at_once(
    customer, django_capture_on_commit_callbacks
):
    email = verify(customer)

    with freeze_time(NOW), django_capture_on_commit_callbacks(execute=True):
        subscription = newsletter_subscribe(
            email=email.upper(), topics=["deals"], language="ur", customer=customer
        )

    subscription.refresh_from_db()
    assert (subscription.state, subscription.confirmed_at) == (State.ACTIVE, NOW)
    assert subscription.customer_id == customer.pk
    assert mail.outbox == []


def test_a_customers_unverified_or_other_address_needs_the_link(
    customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        own = newsletter_subscribe(
            email=customer.user.email, topics=["deals"], language="en", customer=customer
        )
        other = newsletter_subscribe(
            email="friend@example.com", topics=["deals"], language="en", customer=customer
        )

    assert (own.state, own.customer_id) == (State.PENDING, None)
    assert (other.state, other.customer_id) == (State.PENDING, None)
    assert len(mail.outbox) == 2


def test_a_customer_sets_topics_and_language_and_unsubscribes(customer):
    email = verify(customer)
    subscription = subscribed(email, topics=["deals"])  # as a visitor, before the account

    changed = newsletter_preferences_set(customer=customer, topics=["news"], language="ar")
    left = newsletter_preferences_set(customer=customer, subscribed=False)

    assert changed.pk == left.pk == subscription.pk
    assert snapshot(subscription)[:3] == (State.UNSUBSCRIBED, ["news"], "ar")
    assert subscription.customer_id == customer.pk


def test_a_customer_with_a_verified_email_subscribes_from_their_settings(customer):
    verify(customer)

    subscription = newsletter_preferences_set(customer=customer, subscribed=True)

    assert subscription.state == State.ACTIVE
    assert subscription.topics == ["deals", "destinations", "news"]
    assert subscription.language == customer.preferred_language


def test_bad_preferences_change_nothing(customer):
    subscription = subscribed(verify(customer), topics=["deals"])
    before = snapshot(subscription)

    with pytest.raises(ApplicationError) as refused:
        newsletter_preferences_set(customer=customer, topics=["gossip"], language="fr")

    assert set(refused.value.extra) == {"topics", "language"}
    assert snapshot(subscription) == before


def test_the_confirmation_email_is_in_the_chosen_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_subscribe(email="reader@example.com", topics=["deals"], language="ur")

    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="ur" dir="rtl">' in html
    assert "/newsletter/confirm/" in html
