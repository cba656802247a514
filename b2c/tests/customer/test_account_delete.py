import pytest
from django.contrib.auth import get_user_model

from b2c.models import Customer, CustomerActivity, TravelCompanion
from core.testing.factories import TEST_PASSWORD, TravelCompanionFactory

User = get_user_model()


def test_wrong_password_deletes_nothing(customer_client, customer):
    response = customer_client.post("/profile/delete/", {"password": "not-mine", "confirm": "on"})

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["The password is not correct."]
    user = User.objects.get(pk=customer.user.pk)
    assert user.is_active
    assert user.email == customer.user.email


def test_deleting_the_account_erases_personal_data_and_keeps_the_record(customer_client, customer):
    email = customer.user.email
    profile = customer.profile
    profile.passport_number = "BX1234567"
    profile.city = "Dhaka"
    profile.save()
    TravelCompanionFactory(customer=customer)

    response = customer_client.post(
        "/profile/delete/", {"password": TEST_PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 302
    customer = Customer.objects.select_related("user", "profile").get(pk=customer.pk)
    assert customer.deleted_at is not None
    assert customer.user.is_active is False
    assert customer.user.email != email
    assert customer.user.email.endswith("@invalid.safar")
    assert (customer.user.first_name, customer.user.last_name) == ("", "")
    assert not customer.user.has_usable_password()
    assert customer.profile.passport_number == ""
    assert customer.profile.city == ""
    assert TravelCompanion.objects.filter(customer=customer).count() == 0
    assert customer.activities.first().kind == CustomerActivity.Kind.ACCOUNT_DELETED
    assert not customer.activities.exclude(ip_address=None).exists()
    # Signed out, and the address can sign up again.
    assert customer_client.get("/dashboard/").status_code == 302
    assert not User.objects.filter(email=email).exists()


@pytest.mark.django_db
def test_deleted_customer_cannot_sign_in(client, customer):
    from b2c.services.customer import customer_account_delete

    email = customer.user.email
    customer_account_delete(customer=customer)

    response = client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_deleting_the_account_erases_sign_in_records(client, customer):
    from axes.models import AccessAttempt, AccessLog

    email = customer.user.email
    client.post("/accounts/login/", {"login": email, "password": "wrong-guess"})
    client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    assert AccessLog.objects.filter(username=email).exists()

    client.post("/profile/delete/", {"password": TEST_PASSWORD, "confirm": "on"})

    assert not AccessLog.objects.filter(username__iexact=email).exists()
    assert not AccessAttempt.objects.filter(username__iexact=email).exists()


def test_password_guesses_on_the_delete_page_are_throttled(customer_client, customer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = customer_client.post("/profile/delete/", {"password": "guess", "confirm": "on"})
        assert response.status_code == 400

    locked = customer_client.post("/profile/delete/", {"password": "guess", "confirm": "on"})
    with_right_password = customer_client.post(
        "/profile/delete/", {"password": TEST_PASSWORD, "confirm": "on"}
    )

    assert locked.status_code == 429
    assert with_right_password.status_code == 429
    customer.user.refresh_from_db()
    assert customer.user.is_active


def test_deleting_the_account_erases_wishlists_alerts_newsletter_and_notifications(db):
    import datetime as dt
    from decimal import Decimal

    from b2c.models import NewsletterSubscription, PriceAlert, Wishlist
    from core.testing.factories import CustomerFactory
    from core.testing.inventory import airport
    from notifications.models import Notification

    customer = CustomerFactory()
    email = customer.user.email
    Wishlist.objects.create(customer=customer, name="Summer")
    PriceAlert.objects.create(
        customer=customer, origin=airport("DXB"), destination=airport("LHR"),
        date_from=dt.date(2030, 3, 1), date_to=dt.date(2030, 3, 5), cabin="economy",
        currency="USD", target_price=Decimal("300"),
    )  # fmt: skip
    NewsletterSubscription.objects.create(email=email.upper(), state="active")
    Notification.objects.create(user=customer.user, kind="account", title="Hi", dedupe_key="k")
    other = CustomerFactory()
    Wishlist.objects.create(customer=other, name="Mine")

    from b2c.services.customer import customer_account_delete

    customer_account_delete(customer=customer)

    assert not Wishlist.objects.filter(customer=customer).exists()
    assert not PriceAlert.objects.filter(customer=customer).exists()
    assert not NewsletterSubscription.objects.filter(email__iexact=email).exists()
    assert not Notification.objects.filter(user=customer.user).exists()
    assert Wishlist.objects.filter(customer=other).count() == 1


def test_deleting_the_account_deletes_stories_reviews_and_comments(
    db, settings, tmp_path, django_capture_on_commit_callbacks
):
    import datetime as dt

    from b2c.models import Review, ReviewAggregate, StoryComment, TravelPhoto, TravelStory
    from b2c.services.customer import customer_account_delete
    from b2c.services.reviews import review_create
    from b2c.services.social import comment_add
    from b2c.tests.reviews.helpers import GOOD_TEXT, media_files, png
    from b2c.tests.social.helpers import jpeg, story
    from core.testing.factories import CustomerFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    leaving, other = CustomerFactory(), CustomerFactory()

    def hotel_review(customer, rating, **extra):
        return review_create(
            customer=customer, subject_kind="hotel", subject_name="Atlantis The Palm",
            travel_date=dt.date(2026, 1, 5), rating=rating, title="Lovely stay", text=GOOD_TEXT,
            **extra,
        )  # fmt: skip

    own_public = story(leaving, title="Public trip", photos=[jpeg()])
    story(leaving, title="Private trip", visibility="private", photos=[jpeg()])
    comment_add(customer=other, story_id=own_public.pk, text="Nice trip")
    mine = hotel_review(leaving, 1, images=[png()])
    theirs = hotel_review(other, 5)
    assert mine.status == theirs.status == Review.Status.PUBLISHED
    others_story = story(other, title="Someone else's trip")
    answered = comment_add(customer=leaving, story_id=others_story.pk, text="Answered words")
    reply = comment_add(
        customer=other, story_id=others_story.pk, text="A reply", parent_id=answered.pk
    )
    comment_add(customer=leaving, story_id=others_story.pk, text="Lonely words")
    comment_add(customer=leaving, story_id=others_story.pk, text="My reply", parent_id=answered.pk)
    others_story.refresh_from_db()
    assert others_story.comment_count == 4
    assert len(media_files()) == 6  # two photos and one review image, each with a thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        customer_account_delete(customer=leaving)

    assert not TravelStory.objects.filter(author=leaving).exists()
    assert TravelPhoto.objects.count() == 0
    assert not Review.objects.filter(customer=leaving).exists()
    assert media_files() == []
    # The rating aggregate is the other customer's review alone.
    aggregate = ReviewAggregate.objects.get(subject_key=theirs.subject_key)
    assert (aggregate.review_count, aggregate.rating_total, aggregate.count_1) == (1, 5, 0)
    # The comment with a reply stays as "deleted" without its words; the others are gone.
    rows = StoryComment.objects.order_by("pk").values_list("pk", "author_id", "status", "text")
    assert list(rows) == [
        (answered.pk, leaving.pk, StoryComment.Status.DELETED, ""),
        (reply.pk, other.pk, StoryComment.Status.VISIBLE, "A reply"),
    ]
    others_story.refresh_from_db()
    assert others_story.comment_count == 1
    assert TravelStory.objects.filter(author=other).count() == 1
    assert Review.objects.filter(customer=other).count() == 1
