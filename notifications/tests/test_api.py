"""/api/v1/notifications/...: the list, marking read, the unread count, preferences."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import Notification, NotificationPreference
from notifications.tests.helpers import notification_for

pytestmark = pytest.mark.django_db

LIST = reverse("notifications-api:list")
READ_ALL = reverse("notifications-api:read-all")
COUNT = reverse("notifications-api:unread-count")
PREFERENCES = reverse("notifications-api:preferences")
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def read_url(notification_id):
    return reverse("notifications-api:read", args=[notification_id])


@pytest.fixture
def user(customer):
    return customer.user


def test_needs_a_signed_in_user(api_client):
    responses = [
        api_client.get(LIST),
        api_client.get(COUNT),
        api_client.post(READ_ALL),
        api_client.post(read_url(1)),
        api_client.get(PREFERENCES),
        api_client.put(PREFERENCES, {"preferences": []}, format="json"),
    ]

    assert [r.status_code for r in responses] == [401] * 6


def test_the_list_is_paginated_and_newest_first(customer_api, user, other_customer):
    first = notification_for(user, 1, url="/bookings/", title="Booked", body="SFR7Q2")
    for index in range(2, 23):
        notification_for(user, index, read=index % 2 == 0)
    notification_for(other_customer.user, 99)

    page_one = customer_api.get(LIST).json()
    page_two = customer_api.get(LIST, {"page": 2}).json()

    assert page_one["count"] == 22
    assert [n["title"] for n in page_one["results"]] == [
        f"Notification {n}" for n in range(22, 2, -1)
    ]
    assert page_two["results"][-1] == {
        "id": first.pk,
        "kind": "price_drop",
        "kind_label": "Price drops",
        "title": "Booked",
        "body": "SFR7Q2",
        "url": "/bookings/",
        "created_at": "2026-01-01T00:01:00Z",
        "read_at": None,
    }
    assert page_one["results"][0]["read_at"] == "2026-02-01T12:00:00Z"


def test_the_unread_filter(customer_api, user):
    notification_for(user, 1)
    notification_for(user, 2, read=True)
    notification_for(user, 3)

    unread = customer_api.get(LIST, {"unread": "true"}).json()
    read = customer_api.get(LIST, {"unread": "false"}).json()
    bad = customer_api.get(LIST, {"unread": "perhaps"})

    assert [n["title"] for n in unread["results"]] == ["Notification 3", "Notification 1"]
    assert [n["title"] for n in read["results"]] == ["Notification 2"]
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"unread": ["Must be a valid boolean."]}


def test_mark_one_read(customer_api, user):
    notification = notification_for(user, 1)

    with freeze_time(NOW):
        response = customer_api.post(read_url(notification.pk))
    with freeze_time(NOW + dt.timedelta(hours=1)):
        again = customer_api.post(read_url(notification.pk))

    assert response.status_code == 200
    assert response.json()["read_at"] == "2026-03-01T09:30:00Z"
    assert again.json()["read_at"] == "2026-03-01T09:30:00Z"
    assert customer_api.get(COUNT).json() == {"unread": 0}


def test_someone_elses_notification_is_404_and_unchanged(customer_api, other_customer):
    theirs = notification_for(other_customer.user, 1)

    response = customer_api.post(read_url(theirs.pk))
    missing = customer_api.post(read_url(theirs.pk + 1000))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_and_the_count(customer_api, user, other_customer):
    for index in range(1, 4):
        notification_for(user, index)
    notification_for(user, 4, read=True)
    notification_for(other_customer.user, 5)

    assert customer_api.get(COUNT).json() == {"unread": 3}
    assert customer_api.post(READ_ALL).json() == {"marked": 3}
    assert customer_api.post(READ_ALL).json() == {"marked": 0}
    assert customer_api.get(COUNT).json() == {"unread": 0}
    assert Notification.objects.filter(user=other_customer.user, read_at__isnull=True).count() == 1


def test_preferences_get_lists_every_kind_and_channel(customer_api, user):
    NotificationPreference.objects.create(user=user, kind="loyalty", channel="email", enabled=False)

    body = customer_api.get(PREFERENCES).json()

    assert len(body["preferences"]) == 12
    assert body["preferences"][:2] == [
        {
            "kind": "price_drop",
            "kind_label": "Price drops",
            "channel": "in_app",
            "channel_label": "On Safar",
            "enabled": True,
        },
        {
            "kind": "price_drop",
            "kind_label": "Price drops",
            "channel": "email",
            "channel_label": "By email",
            "enabled": True,
        },
    ]
    off = [(p["kind"], p["channel"]) for p in body["preferences"] if not p["enabled"]]
    assert off == [("loyalty", "email")]


def test_preferences_put_sets_the_pairs_given(customer_api, user):
    response = customer_api.put(
        PREFERENCES,
        {
            "preferences": [
                {"kind": "price_drop", "channel": "email", "enabled": False},
                {"kind": "advisory", "channel": "in_app", "enabled": False},
            ]
        },
        format="json",
    )
    customer_api.put(
        PREFERENCES,
        {"preferences": [{"kind": "advisory", "channel": "in_app", "enabled": True}]},
        format="json",
    )

    assert response.status_code == 200
    off = [(p["kind"], p["channel"]) for p in response.json()["preferences"] if not p["enabled"]]
    assert off == [("price_drop", "email"), ("advisory", "in_app")]
    assert set(
        NotificationPreference.objects.filter(user=user).values_list("kind", "channel", "enabled")
    ) == {("price_drop", "email", False), ("advisory", "in_app", True)}


@pytest.mark.parametrize(
    "preferences, fields",
    [
        (
            [{"kind": "spam", "channel": "email", "enabled": False}],
            {"preferences.0.kind": ['"spam" is not a valid choice.']},
        ),
        (
            [{"kind": "loyalty", "channel": "sms", "enabled": False}],
            {"preferences.0.channel": ['"sms" is not a valid choice.']},
        ),
        (
            [
                {"kind": "loyalty", "channel": "email", "enabled": False},
                {"kind": "loyalty", "channel": "email", "enabled": True},
            ],
            {"preferences": ["loyalty/email is given twice."]},
        ),
        ([{"kind": "loyalty", "channel": "email"}], {"preferences.0.enabled": None}),
    ],
)
def test_bad_preferences_change_nothing(customer_api, user, preferences, fields):
    response = customer_api.put(PREFERENCES, {"preferences": preferences}, format="json")

    assert response.status_code == 400
    got = response.json()["error"]["fields"]
    if list(fields.values()) == [None]:
        assert list(got) == list(fields)
    else:
        assert got == fields
    assert NotificationPreference.objects.count() == 0
