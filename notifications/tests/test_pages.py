"""/notifications/ and /notifications/preferences/, and the unread count in the header."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import Notification, NotificationPreference
from notifications.tests.helpers import notification_for

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
PREFERENCES = reverse("notifications:preferences")
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def read_url(notification):
    return reverse("notifications:read", args=[notification.pk])


def items(response) -> list[str]:
    return re.findall(r'<li id="notification-\d+".*?</li>', response.content.decode(), re.S)


def notification_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


@pytest.fixture
def user(customer):
    return customer.user


@pytest.mark.parametrize(
    "method, url",
    [("get", LIST), ("get", PREFERENCES), ("post", "/notifications/1/read/"), ("post", LIST)],
)
def test_visitors_are_sent_to_sign_in(client, method, url):
    if url == LIST and method == "post":
        url = reverse("notifications:read-all")

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_is_newest_first_with_the_unread_marked(customer_client, user, other_customer):
    notification_for(user, 1, read=True, title="Your points expire soon")
    second = notification_for(user, 2, url="/bookings/", title="Check-in is open")
    notification_for(other_customer.user, 3, title="Not yours")

    response = customer_client.get(LIST)

    assert response.status_code == 200
    found = items(response)
    assert len(found) == 2
    assert "Check-in is open" in found[0]
    assert 'class="notification notification-unread"' in found[0]
    assert '<span class="badge">New</span>' in found[0]
    assert f'<form method="post" action="{read_url(second)}" class="inline-form">' in found[0]
    assert (
        '<button type="submit" class="link-button" dir="auto">Check-in is open</button>'
    ) in found[0]
    assert 'Mark as read<span class="visually-hidden">: Check-in is open</span>' in found[0]
    assert "Your points expire soon" in found[1]
    assert 'class="notification"' in found[1]
    assert "New" not in found[1]
    assert "Mark as read" not in found[1]
    assert '<strong dir="auto">Your points expire soon</strong>' in found[1]  # no link
    assert "Not yours" not in response.content.decode()


def test_an_empty_list_says_so(customer_client):
    response = customer_client.get(LIST)

    assert "No notifications yet." in response.content.decode()
    assert "Mark all as read" not in response.content.decode()


def test_the_list_is_paginated_20_a_page(customer_client, user):
    for index in range(1, 26):
        notification_for(user, index)

    first = customer_client.get(LIST)
    second = customer_client.get(LIST, {"page": 2})

    assert len(items(first)) == 20
    assert "Notification 25" in items(first)[0]
    assert "Notification 6" in items(first)[-1]
    assert [re.search(r"Notification \d+", item).group() for item in items(second)] == [
        f"Notification {n}" for n in range(5, 0, -1)
    ]
    assert 'rel="next"' in first.content.decode()


def test_the_list_page_query_count_does_not_grow(customer_client, user):
    notification_for(user, 1)
    with CaptureQueriesContext(connection) as one:
        customer_client.get(LIST)
    for index in range(2, 41):
        notification_for(user, index, url=f"/bookings/{index}/", read=index % 2 == 0)
    with CaptureQueriesContext(connection) as forty:
        customer_client.get(LIST)

    assert len(forty) == len(one)
    # The page's count, the page itself, and the header's unread count.
    assert len(notification_queries(forty.captured_queries)) == 3


def test_opening_a_notification_marks_it_read_and_follows_its_link(customer_client, user):
    notification = notification_for(user, url="/bookings/?tab=upcoming")

    with freeze_time(NOW):
        response = customer_client.post(read_url(notification))

    assert response.status_code == 302
    assert response.url == "/bookings/?tab=upcoming"
    notification.refresh_from_db()
    assert notification.read_at == NOW


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "http:///x", ""],
)
def test_a_link_off_the_site_is_not_followed(customer_client, user, url):
    notification = notification_for(user, url=url)

    response = customer_client.post(read_url(notification))

    assert response.status_code == 302
    assert response.url == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_absolute_link_to_this_site_is_followed(customer_client, user):
    notification = notification_for(user, url="http://testserver/wallet/")

    response = customer_client.post(read_url(notification))

    assert response.url == "http://testserver/wallet/"


def test_mark_as_read_without_javascript_goes_back_to_the_page(customer_client, user):
    notification = notification_for(user, url="/bookings/")

    response = customer_client.post(read_url(notification), {"next": "/notifications/?page=2"})

    assert response.url == "/notifications/?page=2"


def test_someone_elses_notification_is_not_found(customer_client, other_customer):
    theirs = notification_for(other_customer.user, url="/bookings/")

    response = customer_client.post(read_url(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_needs_a_post(customer_client, user):
    notification = notification_for(user, url="/bookings/")

    response = customer_client.get(read_url(notification))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_with_htmx_the_item_and_the_header_count_are_updated(customer_client, user):
    notification = notification_for(user, 1, url="/bookings/", title="Gate changed")
    notification_for(user, 2)
    notification_for(user, 3)

    response = customer_client.post(read_url(notification), headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li id="notification-{notification.pk}" class="notification">' in html
    assert "Mark as read" not in html
    assert (
        '<a id="nav-notifications" class="nav-notifications" href="/notifications/" '
        'aria-current="page" hx-swap-oob="true">Notifications<span class="badge badge-count" '
        'aria-hidden="true">2</span><span class="visually-hidden">, 2 unread</span></a>'
    ) in html
    assert "<header" not in html
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_with_htmx_the_last_unread_clears_the_badge(customer_client, user):
    notification = notification_for(user, 1)

    response = customer_client.post(read_url(notification), headers={"HX-Request": "true"})

    assert (
        '<a id="nav-notifications" class="nav-notifications" href="/notifications/" '
        'aria-current="page" hx-swap-oob="true">Notifications</a>'
    ) in response.content.decode()


def test_mark_all_read(customer_client, user, other_customer):
    for index in range(1, 4):
        notification_for(user, index)
    notification_for(user, 4, read=True)
    theirs = notification_for(other_customer.user, 5)

    response = customer_client.post(reverse("notifications:read-all"), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert "3 notifications marked as read." in response.content.decode()
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "notification-unread" not in response.content.decode()


def test_mark_all_read_with_nothing_unread(customer_client):
    response = customer_client.post(reverse("notifications:read-all"), follow=True)

    assert "You had no unread notifications." in response.content.decode()


# The header ------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count(customer_client, user, other_customer):
    for index in range(1, 4):
        notification_for(user, index)
    notification_for(user, 4, read=True)
    notification_for(other_customer.user, 5)

    with CaptureQueriesContext(connection) as queries:
        response = customer_client.get(reverse("b2c:wallet"))

    assert (
        '<a id="nav-notifications" class="nav-notifications" href="/notifications/">'
        'Notifications<span class="badge badge-count" aria-hidden="true">3</span>'
        '<span class="visually-hidden">, 3 unread</span></a>'
    ) in response.content.decode()
    assert len(notification_queries(queries.captured_queries)) == 1


def test_one_unread_is_singular_and_none_shows_no_badge(customer_client, user):
    notification = notification_for(user, 1)

    one = customer_client.get(reverse("b2c:wallet")).content.decode()
    Notification.objects.filter(pk=notification.pk).update(read_at=NOW)
    none = customer_client.get(reverse("b2c:wallet")).content.decode()

    assert '<span class="visually-hidden">, 1 unread</span>' in one
    assert (
        '<a id="nav-notifications" class="nav-notifications" href="/notifications/">'
        "Notifications</a>"
    ) in none


def test_the_header_count_is_in_arabic(customer_client, user):
    from django.conf import settings

    for index in range(1, 4):
        notification_for(user, index)
    customer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    html = customer_client.get(reverse("b2c:wallet")).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert 'id="nav-notifications"' in html


def test_visitors_pay_no_query_for_the_header(client, settings):
    home = reverse("home")
    with CaptureQueriesContext(connection) as with_processor:
        response = client.get(home)
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    processor
                    for processor in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
                    if not processor.startswith("notifications.")
                ],
            },
        }
    ]
    with CaptureQueriesContext(connection) as without:
        client.get(home)

    assert response.status_code == 200
    assert "nav-notifications" not in response.content.decode()
    assert len(with_processor) == len(without)
    assert notification_queries(with_processor.captured_queries) == []


# Preferences -----------------------------------------------------------------------------------


def checkbox(html, name) -> str:
    return re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html).group()


def test_the_preferences_page_has_a_fieldset_per_kind_with_labelled_boxes(customer_client, user):
    NotificationPreference.objects.create(
        user=user, kind="advisory", channel="email", enabled=False
    )

    response = customer_client.get(PREFERENCES)

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r"<legend>(.*?)</legend>", html) == [
        "Price drops",
        "Travel reminders",
        "Changes to my flights",
        "Travel advisories",
        "Points and tiers",
        "Account and bookings",
    ]
    assert len(re.findall(r'<input type="checkbox"', html)) == 12
    assert (
        '<label for="id_price_drop__email" class="preference-choice"><input type="checkbox" '
        'name="price_drop__email" id="id_price_drop__email" checked> <span>By email</span></label>'
    ) in html
    assert "checked" in checkbox(html, "price_drop__in_app")
    assert "checked" not in checkbox(html, "advisory__email")
    assert "checked" in checkbox(html, "advisory__in_app")


def test_saving_preferences_turns_off_the_unticked_boxes(customer_client, user):
    ticked = {
        f"{kind}__{channel}": "on"
        for kind in ["price_drop", "travel_reminder", "flight_change", "advisory", "loyalty"]
        for channel in ["in_app", "email"]
    }
    del ticked["price_drop__email"]  # unticked: no field sent, as a browser does

    response = customer_client.post(PREFERENCES, ticked, follow=True)

    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Your notification preferences were saved." in response.content.decode()
    off = set(
        NotificationPreference.objects.filter(user=user, enabled=False).values_list(
            "kind", "channel"
        )
    )
    assert off == {("price_drop", "email"), ("account", "in_app"), ("account", "email")}
    assert NotificationPreference.objects.filter(user=user).count() == 12
    html = response.content.decode()
    assert "checked" not in checkbox(html, "price_drop__email")
    assert "checked" in checkbox(html, "price_drop__in_app")

    # Ticked again: back on.
    customer_client.post(PREFERENCES, {**ticked, "price_drop__email": "on"})
    assert NotificationPreference.objects.get(user=user, kind="price_drop", channel="email").enabled
