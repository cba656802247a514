import pytest
from django.core import mail
from freezegun import freeze_time

from b2c.models import NewsletterSubscription
from b2c.services.newsletter import newsletter_confirm_token, newsletter_unsubscribe_token
from b2c.tests.newsletter.helpers import State, link_path, snapshot, subscribed, token_of, verify
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
SUBSCRIBE = "/api/v1/newsletter/subscribe/"
CONFIRM = "/api/v1/newsletter/confirm/"
UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe/"
PREFERENCES = "/api/v1/newsletter/preferences/"


def test_subscribing_answers_the_same_for_a_new_and_an_active_address(
    api_client, django_capture_on_commit_callbacks
):
    subscribed("old@example.com", topics=["deals"])
    with django_capture_on_commit_callbacks(execute=True):
        new = api_client.post(
            SUBSCRIBE,
            {"email": "new@example.com", "topics": ["news"], "language": "bn"},
            format="json",
        )
        old = api_client.post(
            SUBSCRIBE, {"email": "old@example.com", "topics": ["news"]}, format="json"
        )

    assert new.status_code == old.status_code == 202
    assert new.json() == old.json()
    assert new.json()["status"] == "accepted"
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert NewsletterSubscription.objects.get(email="new@example.com").language == "bn"
    assert NewsletterSubscription.objects.get(email="old@example.com").topics == ["news"]


def test_the_language_defaults_to_the_requests(api_client):
    api_client.post(
        SUBSCRIBE, {"email": "r@example.com", "topics": ["deals"]}, format="json",
        headers={"accept-language": "ar"},
    )  # fmt: skip

    assert NewsletterSubscription.objects.get().language == "ar"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "nope", "topics": ["deals"]}, {"email"}),
        ({"email": "r@example.com", "topics": []}, {"topics"}),
        ({"email": "r@example.com", "topics": ["deals", "gossip"]}, {"topics"}),
        ({"email": "r@example.com", "topics": ["deals"], "language": "fr"}, {"language"}),
        ({"email": "nope", "topics": ["gossip"]}, {"email", "topics"}),
        ({"topics": ["deals"]}, {"email"}),
        ({"email": "r@example.com", "topics": "deals"}, {"topics"}),
    ],
)
def test_bad_input_is_400_with_field_errors_and_nothing_changes(api_client, body, fields):
    response = api_client.post(SUBSCRIBE, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == fields
    assert NewsletterSubscription.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_confirm_and_unsubscribe_with_the_tokens(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(SUBSCRIBE, {"email": "r@example.com", "topics": ["deals"]}, format="json")
    token = token_of(link_path(mail.outbox[0], "confirm"))

    confirmed = api_client.post(CONFIRM, {"token": token}, format="json")
    subscription = NewsletterSubscription.objects.get()
    left = api_client.post(
        UNSUBSCRIBE, {"token": newsletter_unsubscribe_token(subscription)}, format="json"
    )

    assert confirmed.status_code == left.status_code == 200
    assert confirmed.json()["state"] == "active"
    assert confirmed.json()["email"] == "r@example.com"
    assert left.json()["state"] == "unsubscribed"
    assert snapshot(subscription)[0] == State.UNSUBSCRIBED


def test_tampered_tokens_are_404_and_an_expired_one_400(api_client):
    with freeze_time("2030-03-01"):
        subscription = subscribed("r@example.com", state=State.PENDING)
        token = newsletter_confirm_token(subscription)
    before = snapshot(subscription)

    with freeze_time("2030-03-09"):
        expired = api_client.post(CONFIRM, {"token": token}, format="json")
        forged = api_client.post(CONFIRM, {"token": token + "x"}, format="json")
    unsubscribe = api_client.post(UNSUBSCRIBE, {"token": token}, format="json")

    assert (expired.status_code, forged.status_code, unsubscribe.status_code) == (400, 404, 404)
    assert "expired" in expired.json()["error"]["fields"]["non_field_errors"][0]
    assert snapshot(subscription) == before


def test_my_preferences_need_signing_in(api_client):
    assert api_client.get(PREFERENCES).status_code in (401, 403)
    assert api_client.put(PREFERENCES, {"subscribed": True}, format="json").status_code in (
        401, 403
    )  # fmt: skip
    assert NewsletterSubscription.objects.count() == 0


def test_a_customer_reads_and_sets_their_preferences(customer_api, customer):
    verify(customer)

    empty = customer_api.get(PREFERENCES)
    joined = customer_api.put(PREFERENCES, {"subscribed": True, "topics": ["news"]}, format="json")
    changed = customer_api.put(PREFERENCES, {"language": "ur"}, format="json")
    left = customer_api.put(PREFERENCES, {"subscribed": False}, format="json")

    assert empty.json() == {"subscribed": False, "subscription": None}
    assert joined.status_code == 200
    assert joined.json()["subscribed"] is True
    assert joined.json()["subscription"]["state"] == "active"
    assert joined.json()["subscription"]["topics"] == ["news"]
    assert changed.json()["subscription"]["language"] == "ur"
    assert left.json()["subscribed"] is False
    assert left.json()["subscription"]["state"] == "unsubscribed"


def test_bad_preferences_are_400_and_change_nothing(customer_api, customer):
    subscription = subscribed(verify(customer), topics=["deals"])
    before = snapshot(subscription)

    response = customer_api.put(PREFERENCES, {"topics": ["gossip"], "language": "fr"},
                                format="json")  # fmt: skip

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"topics", "language"}
    assert snapshot(subscription) == before


def test_the_schema_lists_the_newsletter_endpoints(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"})

    assert schema.status_code == 200
    paths = set(schema.json()["paths"])
    assert {
        "/api/v1/newsletter/subscribe/",
        "/api/v1/newsletter/confirm/",
        "/api/v1/newsletter/unsubscribe/",
        "/api/v1/newsletter/preferences/",
    } <= paths
