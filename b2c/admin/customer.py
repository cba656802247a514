"""Staff views of customers. Every write goes through b2c.services.customer, so each staff edit
lands in the customer's activity log like the customer's own edits do."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from b2c.models import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from b2c.services.customer import (
    COMPANION_EDITABLE_FIELDS,
    CUSTOMER_EDITABLE_FIELDS,
    PROFILE_EDITABLE_FIELDS,
    customer_account_delete,
    customer_profile_update,
    customer_update,
    frequent_flyer_number_add,
    frequent_flyer_number_delete,
    travel_companion_create,
    travel_companion_delete,
    travel_companion_update,
)

AUDIT_FIELDS = ("created_at", "updated_at")
PROFILE_FIELDS = CustomerProfile.DOCUMENT_FIELDS + CustomerProfile.CONTACT_FIELDS


def changed_fields(form, allowed: frozenset[str]) -> dict:
    """The cleaned values of the fields staff changed, limited to what the service accepts."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


def adopt(obj, created) -> None:
    """Make the admin's unsaved `obj` the row a service created, for the redirect and the log."""
    obj.pk = created.pk
    obj.refresh_from_db()
    obj._state.adding = False


class ReadOnlyInline:
    """Shown for context only; changes are made on the model's own admin page, via services."""

    extra = 0
    max_num = 0  # no "Add another" button
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CustomerProfileInline(ReadOnlyInline, admin.StackedInline):
    model = CustomerProfile
    fields = (*PROFILE_FIELDS, *AUDIT_FIELDS)
    readonly_fields = fields
    show_change_link = True


class TravelCompanionInline(ReadOnlyInline, admin.TabularInline):
    model = TravelCompanion
    fields = ("given_names", "surname", "relationship", "date_of_birth", "passport_expiry")
    readonly_fields = fields
    show_change_link = True


class CustomerActivityInline(ReadOnlyInline, admin.TabularInline):
    """The account's history, newest first; staff read it, nobody edits it."""

    model = CustomerActivity
    fields = ("created_at", "kind", "detail", "ip_address")
    readonly_fields = fields
    ordering = ("-created_at", "-id")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "customer_type",
        "loyalty_tier",
        "preferred_language",
        "preferred_currency",
        "marketing_consent",
        "created_at",
        "deleted_at",
    )
    list_filter = (
        "customer_type",
        "loyalty_tier",
        "preferred_language",
        "preferred_currency",
        "marketing_consent",
        ("deleted_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("user__email", "user__first_name", "user__last_name", "company_name", "phone")
    # Only CUSTOMER_EDITABLE_FIELDS are editable: the loyalty programme sets the tier.
    readonly_fields = (
        "user",
        "loyalty_tier",
        "marketing_consent_at",
        "deleted_at",
        *AUDIT_FIELDS,
    )
    list_select_related = ("user",)
    inlines = [CustomerProfileInline, TravelCompanionInline, CustomerActivityInline]
    date_hierarchy = "created_at"
    actions = ["close_accounts"]

    # Customers come from sign-up only, and their rows outlive a closed account: bookings,
    # payments and the activity log hang off them. "Close account" erases the personal data.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # A closed account is a record to read, not to fill with personal data again.
        if obj is not None and obj.deleted_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # `obj` already holds the form's values; the service compares against the stored row.
        customer = Customer.objects.select_related("user").get(pk=obj.pk)
        customer_update(
            customer=customer, customer_fields=changed_fields(form, CUSTOMER_EDITABLE_FIELDS)
        )

    @admin.action(description=_("Close account and erase personal data"), permissions=["change"])
    def close_accounts(self, request, queryset):
        # One transaction per customer, taken in primary-key order (the service locks the row).
        closed = 0
        for customer in queryset.filter(deleted_at__isnull=True).order_by("pk"):
            customer_account_delete(customer=customer)
            closed += 1
        self.message_user(
            request,
            ngettext(
                "Closed %(count)d account and erased its personal data.",
                "Closed %(count)d accounts and erased their personal data.",
                closed,
            )
            % {"count": closed},
            messages.SUCCESS,
        )


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("customer", "nationality", "passport_country", "passport_expiry", "updated_at")
    list_filter = ("nationality", "passport_country", "gender")
    search_fields = ("customer__user__email", "passport_number", "emergency_contact_name")
    readonly_fields = ("customer", *AUDIT_FIELDS)
    list_select_related = ("customer__user",)

    # A profile is created with its customer at sign-up and erased with the account.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.customer.deleted_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        customer = Customer.objects.select_related("user", "profile").get(pk=obj.customer_id)
        customer_profile_update(
            customer=customer, fields=changed_fields(form, PROFILE_EDITABLE_FIELDS)
        )


@admin.register(TravelCompanion)
class TravelCompanionAdmin(admin.ModelAdmin):
    list_display = (
        "full_name",
        "customer",
        "relationship",
        "date_of_birth",
        "passport_expiry",
        "created_at",
    )
    list_filter = ("relationship", "nationality", "gender")
    search_fields = ("given_names", "surname", "passport_number", "customer__user__email")
    readonly_fields = AUDIT_FIELDS
    raw_id_fields = ("customer",)
    list_select_related = ("customer__user",)

    @admin.display(description=_("name"), ordering="surname")
    def full_name(self, obj):
        return obj.full_name

    def get_readonly_fields(self, request, obj=None):
        # A companion stays with the customer it was added for.
        if obj is not None:
            return ("customer", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            companion = TravelCompanion.objects.select_related("customer").get(pk=obj.pk)
            travel_companion_update(
                companion=companion, fields=changed_fields(form, COMPANION_EDITABLE_FIELDS)
            )
        else:
            companion = travel_companion_create(
                customer=form.cleaned_data["customer"],
                fields={
                    name: value
                    for name, value in form.cleaned_data.items()
                    if name in COMPANION_EDITABLE_FIELDS
                },
            )
            adopt(obj, companion)

    def delete_model(self, request, obj):
        travel_companion_delete(companion=obj)

    def delete_queryset(self, request, queryset):
        # All or nothing, like the bulk delete it replaces.
        with transaction.atomic():
            for companion in queryset.select_related("customer").order_by("pk"):
                travel_companion_delete(companion=companion)


class FrequentFlyerNumberAddForm(forms.ModelForm):
    class Meta:
        model = FrequentFlyerNumber
        fields = ("customer", "companion", "airline", "number")

    def clean(self):
        cleaned_data = super().clean()
        customer, companion = cleaned_data.get("customer"), cleaned_data.get("companion")
        # The service refuses this with a ValueError; say it on the form instead of a 500.
        if customer and companion and companion.customer_id != customer.pk:
            self.add_error("companion", _("This companion belongs to another customer."))
        return cleaned_data


@admin.register(FrequentFlyerNumber)
class FrequentFlyerNumberAdmin(admin.ModelAdmin):
    form = FrequentFlyerNumberAddForm
    list_display = ("number", "airline", "customer", "companion", "created_at")
    list_filter = ("airline",)
    search_fields = ("number", "customer__user__email", "companion__surname")
    readonly_fields = AUDIT_FIELDS
    raw_id_fields = ("customer", "companion")
    list_select_related = ("airline", "customer__user", "companion")

    # The services add and delete numbers; a wrong number is deleted and added again.
    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entry = frequent_flyer_number_add(
            customer=form.cleaned_data["customer"],
            airline=form.cleaned_data["airline"],
            number=form.cleaned_data["number"],
            companion=form.cleaned_data.get("companion"),
        )
        adopt(obj, entry)

    def delete_model(self, request, obj):
        frequent_flyer_number_delete(entry=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for entry in queryset.select_related("customer").order_by("pk"):
                frequent_flyer_number_delete(entry=entry)


@admin.register(CustomerActivity)
class CustomerActivityAdmin(admin.ModelAdmin):
    """The activity log is evidence: staff can read and filter it, never change it."""

    list_display = ("created_at", "customer", "kind", "ip_address")
    list_filter = ("kind", "created_at")
    search_fields = ("customer__user__email",)
    readonly_fields = ("customer", "kind", "detail", "ip_address", "created_at")
    list_select_related = ("customer__user",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
