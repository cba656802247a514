import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from b2c.models import Review, ReviewAggregate, ReviewResponse
from b2c.services.reviews import (
    review_auto_check,
    review_create,
    review_delete,
    review_publish,
    review_reject,
    review_respond,
    review_update,
)
from b2c.tests.reviews.helpers import GOOD_TEXT, aggregates, snapshot
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from core.testing.inventory import airline, airport
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

KEY = "flight:EK:DXB-LHR"


@pytest.fixture(autouse=True)
def route(db):
    airline("EK")
    airport("DXB")
    airport("LHR")


def write(customer=None, *, rating=4, text=GOOD_TEXT, title="Smooth night flight", day=5):
    return review_create(
        customer=customer or CustomerFactory(),
        subject_kind="flight",
        airline_code="EK",
        origin="DXB",
        destination="LHR",
        travel_date=dt.date(2026, 1, day),
        rating=rating,
        title=title,
        text=text,
    )


@pytest.mark.parametrize(
    ("title", "text", "reason"),
    [
        ("Fine", GOOD_TEXT, ""),
        ("Fine", "Too short to say much.", "Shorter than 30 characters."),
        ("Fine", GOOD_TEXT + " See https://cheap.example", "Contains a link."),
        ("Fine", GOOD_TEXT + " See http://x.example", "Contains a link."),
        ("Fine", GOOD_TEXT + " Visit www.example.net now", "Contains a link."),
        ("Fine", GOOD_TEXT + " Order at cheap-tickets.com today", "Contains a link."),
        ("Go to deals.ru", GOOD_TEXT, "Contains a link."),
        ("Fine", GOOD_TEXT + " Great.The crew smiled.", ""),
        ("Fine", GOOD_TEXT + " Best CASINO in town", "Contains a listed word (casino)."),
        ("Fine", GOOD_TEXT + " buy   Followers here", "Contains a listed word (buy followers)."),
        ("Fine", GOOD_TEXT + " casinos and casinoroyale", ""),
    ],
)
def test_auto_check(title, text, reason):
    assert review_auto_check(title=title, text=text) == reason


def test_word_list_comes_from_settings(settings):
    settings.REVIEW_BLOCKED_WORDS = ["mango"]
    assert review_auto_check(title="Fine", text=GOOD_TEXT + " Mango!") == (
        "Contains a listed word (mango)."
    )
    assert review_auto_check(title="Fine", text=GOOD_TEXT + " casino") == ""


def test_held_reviews_are_pending_with_the_reason_and_not_counted():
    link = write(text=GOOD_TEXT + " https://spam.example", day=1)
    word = write(text=GOOD_TEXT + " casino", day=2)
    short = write(text="Good.", day=3)

    assert [(r.status, r.held_reason, r.published_at) for r in (link, word, short)] == [
        ("pending", "Contains a link.", None),
        ("pending", "Contains a listed word (casino).", None),
        ("pending", "Shorter than 30 characters.", None),
    ]
    assert ReviewAggregate.objects.count() == 0


def test_publish_counts_and_tells_the_author(staff):
    review = write(text="Short one.", rating=2)
    assert review.status == "pending"

    published = review_publish(staff_user=staff, review_id=review.pk)

    published.refresh_from_db()
    assert published.status == "published"
    assert published.published_at is not None
    assert published.held_reason == ""
    assert published.moderated_by == staff
    assert aggregates() == {KEY: (1, 2, 0, 1, 0, 0, 0), "airline:EK": (1, 2, 0, 1, 0, 0, 0)}
    in_app = OutboxMessage.objects.get(channel="in_app")
    assert in_app.payload["title"] == "Your review is published"
    assert in_app.payload["kind"] == "account"
    assert in_app.payload["user"] == review.customer.user_id
    assert OutboxMessage.objects.filter(channel="email").count() == 1

    # Publishing again changes nothing.
    review_publish(staff_user=staff, review_id=review.pk)
    assert aggregates()[KEY] == (1, 2, 0, 1, 0, 0, 0)
    assert OutboxMessage.objects.count() == 2


def test_only_staff_moderate(customer):
    review = write(text="Short one.")
    before = snapshot()
    for action in (
        lambda: review_publish(staff_user=customer.user, review_id=review.pk),
        lambda: review_reject(staff_user=customer.user, review_id=review.pk, reason="No"),
        lambda: review_respond(staff_user=customer.user, review_id=review.pk, text="Hi"),
    ):
        with pytest.raises(ApplicationError):
            action()
    assert snapshot() == before


def test_aggregates_exact_after_publish_edit_reject_delete(staff):
    author = CustomerFactory()
    first = write(author, rating=5, day=1)
    write(rating=3, day=2)
    held = write(rating=1, text="Bad.", day=3)
    assert aggregates()[KEY] == (2, 8, 0, 0, 1, 0, 1)

    review_publish(staff_user=staff, review_id=held.pk)
    assert aggregates()[KEY] == (3, 9, 1, 0, 1, 0, 1)

    review_update(customer=author, review_id=first.pk, rating=4)
    assert aggregates()[KEY] == (3, 8, 1, 0, 1, 1, 0)

    review_reject(staff_user=staff, review_id=held.pk, reason="Not about the flight.")
    assert aggregates()[KEY] == (2, 7, 0, 0, 1, 1, 0)

    review_delete(customer=author, review_id=first.pk)
    assert aggregates() == {KEY: (1, 3, 0, 0, 1, 0, 0), "airline:EK": (1, 3, 0, 0, 1, 0, 0)}
    assert Review.objects.count() == 2

    from b2c.selectors.reviews import review_aggregate, review_average

    assert review_average(aggregate=review_aggregate(subject_key=KEY)) == Decimal("3.0")


def test_reject_needs_a_reason_and_tells_the_author(staff):
    review = write(rating=3)
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        review_reject(staff_user=staff, review_id=review.pk, reason="  ")
    assert refused.value.extra == {
        "reason": ["Say why the review is rejected: the author is told."]
    }
    assert snapshot() == before

    reason = "It names a crew member."
    rejected = review_reject(staff_user=staff, review_id=review.pk, reason=reason)

    rejected.refresh_from_db()
    assert (rejected.status, rejected.rejection_reason, rejected.published_at) == (
        "rejected",
        "It names a crew member.",
        None,
    )
    assert aggregates()[KEY] == (0, 0, 0, 0, 0, 0, 0)
    message = OutboxMessage.objects.get(channel="in_app")
    assert message.payload["title"] == "Your review was not published"
    assert message.payload["body"] == (
        "Your review “Smooth night flight” was not published: It names a crew member."
    )
    email = OutboxMessage.objects.get(channel="email")
    assert "It names a crew member." in email.payload["text"]


def test_edit_is_checked_again():
    author = CustomerFactory()
    review = write(author, rating=4)
    edited = review_update(
        customer=author, review_id=review.pk, text=GOOD_TEXT + " Book via www.cheap.example"
    )
    assert (edited.status, edited.held_reason, edited.published_at) == (
        "pending",
        "Contains a link.",
        None,
    )
    assert edited.edited_at is not None
    assert aggregates()[KEY] == (0, 0, 0, 0, 0, 0, 0)

    fixed = review_update(customer=author, review_id=review.pk, text=GOOD_TEXT, comfort=5)
    assert (fixed.status, fixed.held_reason, fixed.comfort) == ("published", "", 5)
    assert fixed.published_at is not None
    assert aggregates()[KEY] == (1, 4, 0, 0, 0, 1, 0)

    # Left out, a sub-rating stays; None clears it.
    assert review_update(customer=author, review_id=review.pk, title="New title").comfort == 5
    assert review_update(customer=author, review_id=review.pk, comfort=None).comfort is None


def test_edit_of_a_rejected_review_goes_back_to_staff(staff):
    author = CustomerFactory()
    review = write(author)
    review_reject(staff_user=staff, review_id=review.pk, reason="Off topic.")
    edited = review_update(customer=author, review_id=review.pk, text=GOOD_TEXT + " More.")
    assert (edited.status, edited.held_reason) == ("pending", "Edited after it was rejected.")
    assert aggregates()[KEY] == (0, 0, 0, 0, 0, 0, 0)


def test_edit_after_the_window_is_refused(settings):
    author = CustomerFactory()
    review = write(author)
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30, minutes=1)
    )
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        review_update(customer=author, review_id=review.pk, rating=1)
    assert refused.value.message == "A review can be changed for 30 days after it is written."
    assert snapshot() == before

    settings.REVIEW_EDIT_DAYS = 31
    assert review_update(customer=author, review_id=review.pk, rating=1).rating == 1


def test_others_cannot_edit_or_delete(customer):
    from b2c.services.reviews import ReviewNotFound

    review = write()
    before = snapshot()
    with pytest.raises(ReviewNotFound):
        review_update(customer=customer, review_id=review.pk, rating=1)
    with pytest.raises(ReviewNotFound):
        review_delete(customer=customer, review_id=review.pk)
    assert snapshot() == before


def test_bad_edit_is_refused_and_changes_nothing():
    author = CustomerFactory()
    review = write(author)
    before = snapshot()
    for fields in ({"rating": 6}, {"title": "x"}, {"text": ""}, {"service": 0}):
        with pytest.raises(ApplicationError):
            review_update(customer=author, review_id=review.pk, **fields)
    assert snapshot() == before


def test_respond_once_to_a_published_review(staff):
    review = write()
    response = review_respond(staff_user=staff, review_id=review.pk, text="Thank you!\x00")

    assert (response.review_id, response.author, response.text) == (review.pk, staff, "Thank you!")
    message = OutboxMessage.objects.get(channel="in_app")
    assert message.payload["title"] == "Safar answered your review"
    assert message.payload["body"] == "We answered your review “Smooth night flight”."
    assert OutboxMessage.objects.filter(channel="email").count() == 1

    with pytest.raises(ApplicationError) as refused:
        review_respond(staff_user=staff, review_id=review.pk, text="Again")
    assert refused.value.message == "This review already has a response."
    assert ReviewResponse.objects.get().text == "Thank you!"
    assert OutboxMessage.objects.count() == 2


def test_respond_only_to_published(staff):
    review = write(text="Short.")
    with pytest.raises(ApplicationError) as refused:
        review_respond(staff_user=staff, review_id=review.pk, text="Thanks")
    assert refused.value.message == "Only a published review can be answered."
    assert ReviewResponse.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_notification_in_the_authors_language(staff):
    author = CustomerFactory()
    author.preferred_language = "ar"
    author.save(update_fields=["preferred_language"])
    review = write(author)
    review_respond(staff_user=staff, review_id=review.pk, text="Thanks")
    email = OutboxMessage.objects.get(channel="email")
    assert email.payload["headers"] == {"Content-Language": "ar"}


def test_email_links_to_the_authors_reviews(staff, settings):
    settings.SITE_URL = "https://safar.example"
    review = write()
    review_respond(staff_user=staff, review_id=review.pk, text="Thanks")
    email = OutboxMessage.objects.get(channel="email")
    assert email.payload["subject"] == "Safar answered your review"
    assert "https://safar.example/" in email.payload["text"]
    assert OutboxMessage.objects.get(channel="in_app").payload["url"].endswith("/reviews/mine/")


def hotel(name, *, text=GOOD_TEXT):
    return review_create(
        customer=CustomerFactory(),
        subject_kind="hotel",
        subject_name=name,
        travel_date=dt.date(2026, 1, 5),
        rating=5,
        title="Lovely stay",
        text=text,
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Atlantis The Palm", ""),
        ("Palm Resort, book at cheap-rooms.com", "Contains a link."),
        ("www.palm-resort.example", "Contains a link."),
        ("Royal Casino Hotel", "Contains a listed word (casino)."),
    ],
)
def test_the_hotel_or_package_name_is_checked_too(name, reason):
    # The name is shown publicly with the review, like its title.
    assert review_auto_check(title="Fine", text=GOOD_TEXT, subject_name=name) == reason

    review = hotel(name)

    assert (review.status, review.held_reason) == (
        ("pending", reason) if reason else ("published", "")
    )
    assert ReviewAggregate.objects.count() == (0 if reason else 1)


def test_an_edit_checks_the_hotel_name_again(settings):
    review = hotel("Mango Beach Hotel")
    assert review.status == "published"
    settings.REVIEW_BLOCKED_WORDS = ["mango"]

    edited = review_update(customer=review.customer, review_id=review.pk, title="Lovely stay!")

    assert (edited.status, edited.held_reason, edited.published_at) == (
        "pending",
        "Contains a listed word (mango).",
        None,
    )
    assert aggregates()["hotel:mango beach hotel"][0] == 0
