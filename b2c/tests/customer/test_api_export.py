"""/api/v1/customer/export/: the customer's data download, logged for staff."""

import datetime as dt

import pytest

from b2c.models import CustomerActivity, FrequentFlyerNumber
from core.testing.factories import TravelCompanionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customer/export/"


def test_export_returns_the_customers_data(customer_api, customer, other_customer, airline):
    user = customer.user
    companion = TravelCompanionFactory(
        customer=customer,
        given_names="Nadia",
        surname="Rahman",
        relationship="spouse",
        date_of_birth=dt.date(1992, 5, 17),
    )
    TravelCompanionFactory(customer=other_customer, given_names="Omar", surname="Haddad")
    FrequentFlyerNumber.objects.create(
        customer=customer, companion=companion, airline=airline, number="12345678"
    )

    response = customer_api.post(URL)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "account",
        "customer",
        "profile",
        "companions",
        "frequent_flyer_numbers",
        "email_addresses",
        "activity",
        "sign_ins",
        "reviews",
        "stories",
        "comments",
    }
    assert body["account"] == {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": None,
    }
    assert body["customer"] == {
        "customer_type": "individual",
        "company_name": "",
        "loyalty_tier": "bronze",
        "preferred_language": "en",
        "preferred_currency": "USD",
        "phone": "",
        "marketing_consent": False,
        "marketing_consent_at": None,
    }
    assert body["companions"] == [
        {
            "id": companion.pk,
            "given_names": "Nadia",
            "surname": "Rahman",
            "relationship": "spouse",
            "date_of_birth": "1992-05-17",
            "gender": "",
            "nationality": None,
            "passport_number": "",
            "passport_country": None,
            "passport_expiry": None,
        }
    ]
    assert body["frequent_flyer_numbers"] == [
        {"airline": "EK", "number": "12345678", "companion_id": companion.pk}
    ]
    assert [event["event"] for event in body["activity"]] == ["signed_up"]
    assert "Omar" not in response.content.decode()
    assert other_customer.user.email not in response.content.decode()


def test_export_records_a_data_exported_activity(customer_api, customer, other_customer):
    others_before = CustomerActivity.objects.filter(customer=other_customer).count()

    response = customer_api.post(URL, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 200
    exported = CustomerActivity.objects.filter(customer=customer, kind="data_exported")
    assert exported.count() == 1
    activity = exported.get()
    assert activity.ip_address == "192.0.2.10"
    assert activity.detail == {}
    assert CustomerActivity.objects.filter(customer=other_customer).count() == others_before


def test_a_second_export_lists_the_first_one(customer_api, customer):
    customer_api.post(URL)

    response = customer_api.post(URL)

    assert response.status_code == 200
    assert [event["event"] for event in response.json()["activity"]] == [
        "data_exported",
        "signed_up",
    ]
    assert CustomerActivity.objects.filter(customer=customer, kind="data_exported").count() == 2


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_export_answers_only_post(customer_api, customer, method):
    before = CustomerActivity.objects.filter(customer=customer).count()

    response = getattr(customer_api, method)(URL)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert CustomerActivity.objects.filter(customer=customer).count() == before


def test_export_includes_own_reviews_stories_and_comments(customer_api, customer, other_customer):
    from b2c.services.reviews import review_create
    from b2c.services.social import comment_add
    from b2c.tests.reviews.helpers import GOOD_TEXT
    from b2c.tests.social.helpers import story

    review = review_create(
        customer=customer, subject_kind="hotel", subject_name="Atlantis The Palm",
        travel_date=dt.date(2026, 1, 5), rating=4, title="Lovely stay", text=GOOD_TEXT,
    )  # fmt: skip
    review_create(
        customer=other_customer, subject_kind="hotel", subject_name="Atlantis The Palm",
        travel_date=dt.date(2026, 1, 6), rating=2, title="Their secret stay", text=GOOD_TEXT,
    )  # fmt: skip
    private = story(customer, title="My private trip", visibility="private", body="Just *me*.")
    others_story = story(other_customer, title="Their trip", body="Their private words")
    comment = comment_add(customer=customer, story_id=others_story.pk, text="Lovely photos")
    comment_add(
        customer=other_customer, story_id=others_story.pk, text="Their reply",
        parent_id=comment.pk,
    )  # fmt: skip

    body = customer_api.post(URL).json()

    review.refresh_from_db()
    assert body["reviews"] == [
        {
            "id": review.pk, "subject": "hotel:atlantis the palm", "travel_date": "2026-01-05",
            "rating": 4, "comfort": None, "service": None, "value": None, "punctuality": None,
            "title": "Lovely stay", "text": GOOD_TEXT, "language": "en", "status": "published",
            "created_at": review.created_at.isoformat(),
            "published_at": review.published_at.isoformat(), "edited_at": None,
        }
    ]  # fmt: skip
    private.refresh_from_db()
    assert body["stories"] == [
        {
            "id": private.pk, "slug": private.slug, "title": "My private trip",
            "body": "Just *me*.", "visibility": "private", "language": "en", "captions": [],
            "created_at": private.created_at.isoformat(),
            "published_at": private.published_at.isoformat(),
            "updated_at": private.updated_at.isoformat(),
        }
    ]  # fmt: skip
    assert body["comments"] == [
        {
            "id": comment.pk, "story": others_story.slug, "reply_to": None,
            "text": "Lovely photos", "status": "visible",
            "created_at": comment.created_at.isoformat(), "edited_at": None,
        }
    ]  # fmt: skip
    text = str(body)
    for theirs in ("Their secret stay", "Their private words", "Their reply", "Their trip"):
        assert theirs not in text
