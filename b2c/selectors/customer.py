"""Reads of customers and what belongs to them, shaped for pages and the API."""

from allauth.account.models import EmailAddress
from axes.models import AccessLog
from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from b2c.models import Customer, CustomerActivity, FrequentFlyerNumber, TravelCompanion


def customer_for_user(*, user) -> Customer:
    """The signed-in user's customer with profile and user in one query."""
    return get_object_or_404(
        Customer.objects.select_related("user", "profile"), user=user, deleted_at__isnull=True
    )


def customer_currency(*, user) -> str:
    """The currency a visitor sees prices in: the signed-in customer's preferred currency, else
    the site's default. One query for a signed-in user, none otherwise."""
    if user.is_authenticated:
        currency = (
            Customer.objects.filter(user=user, deleted_at__isnull=True)
            .values_list("preferred_currency", flat=True)
            .first()
        )
        if currency:
            return currency
    return settings.DEFAULT_CURRENCY


def travel_companion_list(
    *, customer: Customer, with_frequent_flyer_numbers: bool = False
) -> QuerySet[TravelCompanion]:
    companions = TravelCompanion.objects.filter(customer=customer)
    if with_frequent_flyer_numbers:
        companions = companions.prefetch_related("frequent_flyer_numbers__airline")
    return companions


def travel_companion_get(*, customer: Customer, companion_id: int) -> TravelCompanion:
    """Someone else's companion is simply not found: 404, never 403."""
    return get_object_or_404(TravelCompanion, customer=customer, pk=companion_id)


def frequent_flyer_number_list(*, customer: Customer) -> QuerySet[FrequentFlyerNumber]:
    return FrequentFlyerNumber.objects.filter(customer=customer).select_related(
        "airline", "companion"
    )


def frequent_flyer_number_get(*, customer: Customer, entry_id: int) -> FrequentFlyerNumber:
    return get_object_or_404(FrequentFlyerNumber, customer=customer, pk=entry_id)


def customer_activity_list(*, customer: Customer) -> QuerySet[CustomerActivity]:
    return CustomerActivity.objects.filter(customer=customer)


def _document(obj) -> dict:
    return {
        "date_of_birth": obj.date_of_birth.isoformat() if obj.date_of_birth else None,
        "gender": obj.gender,
        "nationality": obj.nationality.code or None,
        "passport_number": obj.passport_number,
        "passport_country": obj.passport_country.code or None,
        "passport_expiry": obj.passport_expiry.isoformat() if obj.passport_expiry else None,
    }


def customer_data_export(*, customer: Customer) -> dict:
    """Everything Safar holds about the customer, as plain JSON-ready data."""
    user, profile = customer.user, customer.profile
    ff_numbers = list(frequent_flyer_number_list(customer=customer))
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "customer": {
            "customer_type": customer.customer_type,
            "company_name": customer.company_name,
            "loyalty_tier": customer.loyalty_tier,
            "preferred_language": customer.preferred_language,
            "preferred_currency": customer.preferred_currency,
            "phone": str(customer.phone) if customer.phone else "",
            "marketing_consent": customer.marketing_consent,
            "marketing_consent_at": (
                customer.marketing_consent_at.isoformat() if customer.marketing_consent_at else None
            ),
        },
        "profile": {
            **_document(profile),
            "emergency_contact": {
                "name": profile.emergency_contact_name,
                "phone": str(profile.emergency_contact_phone or ""),
                "relation": profile.emergency_contact_relation,
            },
            "address": {
                "line1": profile.address_line1,
                "line2": profile.address_line2,
                "city": profile.city,
                "postal_code": profile.postal_code,
                "country": profile.country.code or None,
            },
        },
        "companions": [
            {
                "id": c.pk,
                "given_names": c.given_names,
                "surname": c.surname,
                "relationship": c.relationship,
                **_document(c),
            }
            for c in travel_companion_list(customer=customer)
        ],
        "frequent_flyer_numbers": [
            {
                "airline": e.airline.iata_code,
                "number": e.number,
                "companion_id": e.companion_id,
            }
            for e in ff_numbers
        ],
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "activity": [
            {
                "event": a.kind,
                "at": a.created_at.isoformat(),
                "detail": a.detail,
                "ip_address": a.ip_address,
            }
            for a in customer_activity_list(customer=customer)
        ],
        "sign_ins": [
            {
                "at": log.attempt_time.isoformat(),
                "ip_address": log.ip_address,
                "user_agent": log.user_agent,
            }
            for log in AccessLog.objects.filter(username__iexact=user.email).order_by(
                "-attempt_time"
            )
        ],
    }


def customer_public_name(*, customer: Customer) -> str:
    """How a customer signs what they publish (reviews, stories, comments): the first name and
    the surname's initial ("Nadia K."), never the email address. The user must be loaded
    (select_related("customer__user") / ("author__user")) to keep lists at constant queries."""
    from django.utils.translation import gettext as _

    first = customer.user.first_name.strip()
    last = customer.user.last_name.strip()
    if first and last:
        return f"{first} {last[0]}."
    return first or _("A Safar traveller")


def customer_for_viewer(*, user) -> Customer | None:
    """The customer looking at a public page, or None for a visitor (or a staff account
    without a customer)."""
    if not user.is_authenticated:
        return None
    return (
        Customer.objects.select_related("user", "profile")
        .filter(user=user, deleted_at__isnull=True)
        .first()
    )
