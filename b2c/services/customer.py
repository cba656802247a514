"""Writes to customers, profiles, companions and frequent-flyer numbers."""

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from b2c.models import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from core.net import client_ip

User = get_user_model()

CUSTOMER_EDITABLE_FIELDS = frozenset(
    {
        "customer_type",
        "company_name",
        "preferred_language",
        "preferred_currency",
        "phone",
        "marketing_consent",
    }
)
USER_EDITABLE_FIELDS = frozenset({"first_name", "last_name"})
PROFILE_EDITABLE_FIELDS = frozenset(
    CustomerProfile.DOCUMENT_FIELDS + CustomerProfile.CONTACT_FIELDS
)
COMPANION_EDITABLE_FIELDS = frozenset(TravelCompanion.NAME_FIELDS + TravelCompanion.DOCUMENT_FIELDS)


def _assign(instance, fields: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    """Set the allowed fields that differ; return the names that changed."""
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def customer_activity_record(
    *, customer: Customer, kind: str, detail: dict | None = None, ip_address: str | None = None
) -> CustomerActivity:
    return CustomerActivity.objects.create(
        customer=customer, kind=kind, detail=detail or {}, ip_address=ip_address
    )


def customer_activity_record_for_user(
    *, user, kind: str, detail: dict | None = None, request=None
) -> CustomerActivity | None:
    """Record an account event for `user`, if the user is a customer (staff may not be)."""
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        return None
    ip_address = client_ip(request) if request is not None else None
    return customer_activity_record(
        customer=customer, kind=kind, detail=detail, ip_address=ip_address
    )


def customer_create_for_user(*, user) -> Customer:
    """The customer (and empty profile) of `user`, created on first call. Safe under races."""
    existing = Customer.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            customer = Customer.objects.create(user=user)
            CustomerProfile.objects.create(customer=customer)
            customer_activity_record(customer=customer, kind=CustomerActivity.Kind.SIGNED_UP)
    except IntegrityError:
        # Another request created it between our read and our insert: the unique user wins.
        return Customer.objects.get(user=user)
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, user_fields: dict | None = None, customer_fields: dict | None = None
) -> Customer:
    """Change the customer's name and preferences; everything validated before anything saved."""
    user = customer.user
    user_changed = _assign(user, user_fields or {}, USER_EDITABLE_FIELDS)
    customer_changed = _assign(customer, customer_fields or {}, CUSTOMER_EDITABLE_FIELDS)
    errors: dict[str, list[str]] = {}
    for instance, changed in ((user, user_changed), (customer, customer_changed)):
        if changed:
            try:
                instance.full_clean(exclude=["password"] if instance is user else None)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if "marketing_consent" in customer_changed:
        customer.marketing_consent_at = timezone.now() if customer.marketing_consent else None
        customer_changed.append("marketing_consent_at")
    if user_changed:
        user.save(update_fields=user_changed)
    if customer_changed:
        customer.save(update_fields=[*customer_changed, "updated_at"])
    if user_changed or customer_changed:
        customer_activity_record(
            customer=customer,
            kind=CustomerActivity.Kind.PROFILE_CHANGED,
            detail={"fields": sorted(user_changed + customer_changed)},
        )
    return customer


@transaction.atomic
def customer_profile_update(*, customer: Customer, fields: dict) -> CustomerProfile:
    profile = customer.profile
    changed = _assign(profile, fields, PROFILE_EDITABLE_FIELDS)
    profile.full_clean(exclude=["customer"])
    if changed:
        # Only what changed: two tabs saving different sections must not undo each other.
        profile.save(update_fields=[*changed, "updated_at"])
        customer_activity_record(
            customer=customer,
            kind=CustomerActivity.Kind.PROFILE_CHANGED,
            detail={"fields": sorted(changed)},
        )
    return profile


@transaction.atomic
def travel_companion_create(*, customer: Customer, fields: dict) -> TravelCompanion:
    companion = TravelCompanion(customer=customer)
    _assign(companion, fields, COMPANION_EDITABLE_FIELDS)
    companion.full_clean(exclude=["customer"])
    companion.save()
    customer_activity_record(
        customer=customer,
        kind=CustomerActivity.Kind.COMPANION_ADDED,
        detail={"companion_id": companion.pk},
    )
    return companion


@transaction.atomic
def travel_companion_update(*, companion: TravelCompanion, fields: dict) -> TravelCompanion:
    changed = _assign(companion, fields, COMPANION_EDITABLE_FIELDS)
    companion.full_clean(exclude=["customer"])
    if changed:
        companion.save(update_fields=[*changed, "updated_at"])
        customer_activity_record(
            customer=companion.customer,
            kind=CustomerActivity.Kind.COMPANION_CHANGED,
            detail={"companion_id": companion.pk, "fields": sorted(changed)},
        )
    return companion


@transaction.atomic
def travel_companion_delete(*, companion: TravelCompanion) -> None:
    customer, companion_id = companion.customer, companion.pk
    companion.delete()
    customer_activity_record(
        customer=customer,
        kind=CustomerActivity.Kind.COMPANION_REMOVED,
        detail={"companion_id": companion_id},
    )


@transaction.atomic
def frequent_flyer_number_add(
    *, customer: Customer, airline, number: str, companion: TravelCompanion | None = None
) -> FrequentFlyerNumber:
    if companion is not None and companion.customer_id != customer.pk:
        raise ValueError("The companion belongs to another customer.")
    entry = FrequentFlyerNumber(
        customer=customer,
        companion=companion,
        airline=airline,
        number=number,
    )
    entry.full_clean()
    entry.save()
    customer_activity_record(
        customer=customer,
        kind=CustomerActivity.Kind.PROFILE_CHANGED,
        detail={"fields": ["frequent_flyer_numbers"]},
    )
    return entry


@transaction.atomic
def frequent_flyer_number_delete(*, entry: FrequentFlyerNumber) -> None:
    customer = entry.customer
    entry.delete()
    customer_activity_record(
        customer=customer,
        kind=CustomerActivity.Kind.PROFILE_CHANGED,
        detail={"fields": ["frequent_flyer_numbers"]},
    )


def _community_content_delete(*, customer: Customer) -> None:
    """Remove what the customer wrote for others to read, through the services that keep
    counters, rating aggregates and stored files right: every story (private ones too) with its
    photos, every review with its images, and every comment. A comment with replies stays as
    "deleted" without its text, so the thread keeps its shape."""
    from b2c.models import Review, StoryComment, TravelStory
    from b2c.services.reviews import review_delete
    from b2c.services.social import CommentNotFound, comment_delete, story_delete

    for story_id in TravelStory.objects.filter(author=customer).values_list("pk", flat=True):
        story_delete(customer=customer, story_id=story_id)
    for review_id in Review.objects.filter(customer=customer).values_list("pk", flat=True):
        review_delete(customer=customer, review_id=review_id)
    comment_ids = list(
        StoryComment.objects.filter(author=customer)
        .exclude(status=StoryComment.Status.DELETED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for comment_id in comment_ids:
        try:
            comment_delete(customer=customer, comment_id=comment_id)
        except CommentNotFound:
            # Already taken away with its parent (a deleted parent goes with its last reply).
            continue
    # Deleted comments kept for their replies already have no text; make sure of it.
    StoryComment.objects.filter(author=customer).exclude(text="").filter(
        status=StoryComment.Status.DELETED
    ).update(text="")


def _community_export(*, customer: Customer) -> dict:
    """The customer's reviews, stories and comments: their own words and dates only."""
    from b2c.models import Review, StoryComment, TravelStory

    def iso(value) -> str | None:
        return value.isoformat() if value else None

    return {
        "reviews": [
            {
                "id": r.pk,
                "subject": r.subject_key,
                "travel_date": iso(r.travel_date),
                "rating": r.rating,
                "comfort": r.comfort,
                "service": r.service,
                "value": r.value,
                "punctuality": r.punctuality,
                "title": r.title,
                "text": r.text,
                "language": r.language,
                "status": r.status,
                "created_at": iso(r.created_at),
                "published_at": iso(r.published_at),
                "edited_at": iso(r.edited_at),
            }
            for r in Review.objects.filter(customer=customer).order_by("pk")
        ],
        "stories": [
            {
                "id": s.pk,
                "slug": s.slug,
                "title": s.title,
                "body": s.body,
                "visibility": s.visibility,
                "language": s.language,
                "captions": [
                    photo.caption
                    for photo in sorted(
                        s.photos.all(), key=lambda photo: (photo.position, photo.pk)
                    )
                    if photo.caption
                ],
                "created_at": iso(s.created_at),
                "published_at": iso(s.published_at),
                "updated_at": iso(s.updated_at),
            }
            for s in TravelStory.objects.filter(author=customer)
            .prefetch_related("photos")
            .order_by("pk")
        ],
        "comments": [
            {
                "id": c.pk,
                "story": c.story.slug,
                "reply_to": c.parent_id,
                "text": c.text,
                "status": c.status,
                "created_at": iso(c.created_at),
                "edited_at": iso(c.edited_at),
            }
            for c in StoryComment.objects.filter(author=customer)
            .select_related("story")
            .order_by("pk")
        ],
    }


@transaction.atomic
def customer_account_delete(*, customer: Customer) -> Customer:
    """Close the account: erase personal data, keep the customer row for financial records.

    The user can no longer sign in; their email address is freed for a new sign-up. Their
    stories, reviews and comments go too (`_community_content_delete`).
    """
    from allauth.account.models import EmailAddress
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from rest_framework.authtoken.models import Token

    from b2c.models import (
        FavoriteAirline,
        FavoriteDestination,
        NewsletterSubscription,
        PriceAlert,
        Wishlist,
    )
    from notifications.models import Notification, NotificationPreference

    customer = Customer.objects.select_for_update().select_related("user").get(pk=customer.pk)
    user = customer.user
    _community_content_delete(customer=customer)
    # What the customer kept or asked for under their address goes with it.
    NewsletterSubscription.objects.filter(
        Q(customer=customer) | Q(email__iexact=user.email)
    ).delete()
    for model in (PriceAlert, Wishlist, FavoriteDestination, FavoriteAirline):
        model.objects.filter(customer=customer).delete()
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    # Sign-in records keyed on the address (django-axes) are personal data too.
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    AccessLog.objects.filter(username__iexact=user.email).delete()
    AccessFailureLog.objects.filter(username__iexact=user.email).delete()
    anonymous_email = f"deleted-{uuid.uuid4().hex}@invalid.safar"
    user.email = anonymous_email
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()

    customer.company_name = ""
    customer.phone = ""
    customer.marketing_consent = False
    customer.marketing_consent_at = None
    customer.deleted_at = timezone.now()
    customer.save()

    CustomerProfile.objects.filter(customer=customer).delete()
    CustomerProfile.objects.create(customer=customer)
    customer.companions.all().delete()
    customer.frequent_flyer_numbers.all().delete()
    # Older events may carry IP addresses: drop those, keep what happened and when.
    customer.activities.update(ip_address=None)
    # The admin's change history names objects by their str(), the email address.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=anonymous_email)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(customer), object_id=str(customer.pk)
    ).update(object_repr=anonymous_email)
    customer_activity_record(customer=customer, kind=CustomerActivity.Kind.ACCOUNT_DELETED)
    return customer


def customer_data_export_record(*, customer: Customer, request=None) -> dict:
    """The customer's data download; the download itself is logged for staff."""
    from b2c.selectors.customer import customer_data_export

    data = customer_data_export(customer=customer) | _community_export(customer=customer)
    customer_activity_record(
        customer=customer,
        kind=CustomerActivity.Kind.DATA_EXPORTED,
        ip_address=client_ip(request) if request is not None else None,
    )
    return data


def customer_language_set(*, user, language: str) -> None:
    """Remember the language a customer chose; emails will be written in it."""
    from b2c.models.customer import Language

    if language in Language.values:
        Customer.objects.filter(user=user).exclude(preferred_language=language).update(
            preferred_language=language, updated_at=timezone.now()
        )
