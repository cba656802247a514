"""Customers, their profile and travel documents, the companions they travel with."""

import datetime as dt
import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES

# ICAO Doc 9303: the document number is up to nine characters, capital letters and digits.
passport_number_validator = RegexValidator(
    r"^[A-Z0-9]{6,9}$",
    _("A passport number has 6 to 9 capital letters and digits, without spaces."),
    code="passport_number",
)


def normalise_document_number(value: str | None) -> str:
    """Travellers type passport numbers with spaces and in lower case; the document has neither."""
    return "".join((value or "").split()).upper()


class DocumentNumberFormField(forms.CharField):
    def to_python(self, value):
        return normalise_document_number(super().to_python(value))


class DocumentNumberField(models.CharField):
    """A passport or membership number, stored without spaces and in capitals."""

    def to_python(self, value):
        return normalise_document_number(super().to_python(value))

    def get_prep_value(self, value):
        return normalise_document_number(super().get_prep_value(value))

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", DocumentNumberFormField)
        return super().formfield(**kwargs)


class LoyaltyTier(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    PLATINUM = "platinum", _("Platinum")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    ARABIC = "ar", "العربية"
    BENGALI = "bn", "বাংলা"
    URDU = "ur", "اردو"


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "unspecified", _("Prefer not to say")


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def validate_birth_date(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot be in the future."), code="future")
    if value and value < EARLIEST_BIRTH_DATE:
        raise ValidationError(_("Enter a real date of birth."), code="too_early")


class TravelDocument(models.Model):
    """Abstract: the passport fields kept for a customer and for each companion."""

    DOCUMENT_FIELDS = (
        "date_of_birth",
        "gender",
        "nationality",
        "passport_number",
        "passport_country",
        "passport_expiry",
    )

    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    passport_number = DocumentNumberField(
        _("passport number"), max_length=9, blank=True, validators=[passport_number_validator]
    )
    passport_country = CountryField(_("passport issuing country"), blank=True)
    passport_expiry = models.DateField(_("passport expiry date"), null=True, blank=True)

    PASSPORT_FIELDS = ("passport_number", "passport_country", "passport_expiry")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._stored_passport = self._passport()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if all(name in field_names for name in cls.PASSPORT_FIELDS):
            instance._stored_passport = instance._passport()
        return instance

    def _passport(self) -> tuple:
        return (self.passport_number, str(self.passport_country or ""), self.passport_expiry)

    @property
    def passport_changed(self) -> bool:
        return getattr(self, "_stored_passport", None) != self._passport()

    @property
    def passport_expired(self) -> bool:
        return bool(self.passport_expiry and self.passport_expiry < timezone.localdate())

    def clean(self) -> None:
        super().clean()
        # The passport is checked when it is entered or changed. One that has expired since it
        # was saved must not block edits to anything else; the dashboard asks to renew it.
        if not self.passport_changed:
            return
        errors: dict[str, list] = {}
        passport = {
            "passport_number": self.passport_number,
            "passport_country": self.passport_country,
            "passport_expiry": self.passport_expiry,
        }
        if any(passport.values()):
            for field, value in passport.items():
                if not value:
                    errors.setdefault(field, []).append(
                        _("Give the passport's number, issuing country and expiry date together.")
                    )
        if self.passport_expiry and self.passport_expiry < timezone.localdate():
            errors.setdefault("passport_expiry", []).append(
                _("This passport has expired. Enter a valid passport.")
            )
        if errors:
            raise ValidationError(errors)


REFERRAL_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud


def referral_code_new() -> str:
    """A random 8-character referral code (32**8 codes: a clash is retried by the caller)."""
    return "".join(secrets.choice(REFERRAL_CODE_ALPHABET) for _ in range(8))


class Customer(TimeStampedModel):
    """A person or company that buys travel from Safar; one per user account."""

    class CustomerType(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        CORPORATE = "corporate", _("Corporate")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # bookings and payments outlive a closed account
        related_name="customer",
    )
    customer_type = models.CharField(
        _("customer type"),
        max_length=12,
        choices=CustomerType.choices,
        default=CustomerType.INDIVIDUAL,
    )
    company_name = models.CharField(_("company name"), max_length=150, blank=True)
    loyalty_tier = models.CharField(
        _("loyalty tier"), max_length=10, choices=LoyaltyTier.choices, default=LoyaltyTier.BRONZE
    )
    # The loyalty ledger's balances (b2c.models.loyalty): spendable points, and points earned on
    # bookings not yet flown. Written only with a LoyaltyTransaction, under this row's lock.
    points_balance = models.PositiveIntegerField(_("points"), default=0)
    points_pending = models.PositiveIntegerField(_("points pending"), default=0)
    # When the tier is next reviewed against the points of the qualification window.
    tier_review_at = models.DateTimeField(_("tier review"), null=True, blank=True)
    # Shared with friends as /r/<code>/ (b2c.models.referrals).
    referral_code = models.CharField(
        _("referral code"), max_length=12, unique=True, default=referral_code_new, editable=False
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    preferred_currency = models.CharField(
        _("preferred currency"),
        max_length=3,
        choices=[(c, c) for c in SUPPORTED_CURRENCIES],
        default=default_currency,
    )
    phone = PhoneNumberField(_("mobile phone"), blank=True)
    marketing_consent = models.BooleanField(_("send me offers and news by email"), default=False)
    marketing_consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(
        _("account deleted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the customer deleted the account; personal data is then erased."),
    )

    class Meta:
        db_table = "b2c_customer"
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(customer_type="corporate") | ~Q(company_name=""),
                name="customer_corporate_has_company_name",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        super().clean()
        if self.customer_type == self.CustomerType.CORPORATE and not self.company_name:
            raise ValidationError({"company_name": _("A corporate account needs a company name.")})


class CustomerProfile(TravelDocument, TimeStampedModel):
    """The customer's own personal details, travel document, emergency contact and address."""

    CONTACT_FIELDS = (
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relation",
        "address_line1",
        "address_line2",
        "city",
        "postal_code",
        "country",
    )

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="profile")
    emergency_contact_name = models.CharField(
        _("emergency contact name"), max_length=150, blank=True
    )
    emergency_contact_phone = PhoneNumberField(_("emergency contact phone"), blank=True)
    emergency_contact_relation = models.CharField(
        _("emergency contact relationship"), max_length=50, blank=True
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(_("country of residence"), blank=True)

    class Meta:
        db_table = "b2c_customer_profile"
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self) -> str:
        return f"Profile of {self.customer}"

    @property
    def passport_expires_soon(self) -> bool:
        """Many countries refuse entry on a passport with less than six months left."""
        if not self.passport_expiry:
            return False
        return self.passport_expiry < timezone.localdate() + timedelta(days=183)

    def clean(self) -> None:
        super().clean()
        contact = (self.emergency_contact_name, self.emergency_contact_phone)
        if any(contact) and not all(contact):
            field = (
                "emergency_contact_phone"
                if self.emergency_contact_name
                else ("emergency_contact_name")
            )
            raise ValidationError(
                {field: _("Give the emergency contact's name and phone number together.")}
            )


class TravelCompanion(TravelDocument, TimeStampedModel):
    """Someone the customer books for: family, friends, colleagues."""

    NAME_FIELDS = ("given_names", "surname", "relationship")

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Spouse or partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        RELATIVE = "relative", _("Other relative")
        FRIEND = "friend", _("Friend")
        COLLEAGUE = "colleague", _("Colleague")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="companions")
    given_names = models.CharField(_("given names (as on passport)"), max_length=100)
    surname = models.CharField(_("surname (as on passport)"), max_length=100)
    relationship = models.CharField(
        _("relationship"), max_length=12, choices=Relationship.choices, default=Relationship.OTHER
    )

    class Meta:
        db_table = "b2c_travel_companion"
        ordering = ["given_names", "surname", "id"]
        verbose_name = _("travel companion")
        verbose_name_plural = _("travel companions")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()

    def clean(self) -> None:
        # A companion's date of birth decides the fare type (adult, child, infant): required.
        errors = {}
        if not self.date_of_birth:
            errors["date_of_birth"] = [_("Enter the companion's date of birth.")]
        try:
            super().clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class FrequentFlyerNumber(TimeStampedModel):
    """A loyalty-programme membership with an airline, of the customer or of a companion."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="frequent_flyer_numbers"
    )
    companion = models.ForeignKey(
        TravelCompanion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="frequent_flyer_numbers",
        help_text=_("Empty when the number is the customer's own."),
    )
    airline = models.ForeignKey(
        "flights.Airline", on_delete=models.PROTECT, related_name="frequent_flyer_numbers"
    )
    number = DocumentNumberField(
        _("membership number"),
        max_length=20,
        validators=[RegexValidator(r"^[A-Z0-9]{4,20}$", _("4 to 20 letters and digits."))],
    )

    class Meta:
        db_table = "b2c_frequent_flyer_number"
        ordering = ["airline__name"]
        verbose_name = _("frequent-flyer number")
        verbose_name_plural = _("frequent-flyer numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "airline"],
                condition=Q(companion__isnull=True),
                name="frequent_flyer_number_one_per_customer_airline",
                violation_error_message=_("You already saved a number for this airline."),
            ),
            models.UniqueConstraint(
                fields=["companion", "airline"],
                condition=Q(companion__isnull=False),
                name="frequent_flyer_number_one_per_companion_airline",
                violation_error_message=_("This companion already has a number for this airline."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.airline.iata_code} {self.number}"


class CustomerActivity(models.Model):
    """One event in a customer's account history, for staff (append-only)."""

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        LOGGED_IN = "logged_in", _("Signed in")
        EMAIL_CONFIRMED = "email_confirmed", _("Email address confirmed")
        EMAIL_CHANGED = "email_changed", _("Email address changed")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        PROFILE_CHANGED = "profile_changed", _("Profile changed")
        COMPANION_ADDED = "companion_added", _("Companion added")
        COMPANION_CHANGED = "companion_changed", _("Companion changed")
        COMPANION_REMOVED = "companion_removed", _("Companion removed")
        DATA_EXPORTED = "data_exported", _("Personal data downloaded")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, db_index=True)
    # Field names and ids only: the log must not become a second copy of personal data.
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "b2c_customer_activity"
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer activity")
        verbose_name_plural = _("customer activity")

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_kind_display()}"
