from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from b2c.models import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)

AUDIT_FIELDS = ("created_at", "updated_at")


class CustomerProfileInline(admin.StackedInline):
    model = CustomerProfile
    can_delete = False
    readonly_fields = AUDIT_FIELDS


class TravelCompanionInline(admin.TabularInline):
    model = TravelCompanion
    extra = 0
    fields = ("given_names", "surname", "relationship", "date_of_birth", "passport_expiry")
    show_change_link = True


class CustomerActivityInline(admin.TabularInline):
    """The account's history, newest first; staff read it, nobody edits it."""

    model = CustomerActivity
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "detail", "ip_address")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


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
    readonly_fields = ("user", "marketing_consent_at", "deleted_at", *AUDIT_FIELDS)
    list_select_related = ("user",)
    inlines = [CustomerProfileInline, TravelCompanionInline, CustomerActivityInline]
    date_hierarchy = "created_at"


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("customer", "nationality", "passport_country", "passport_expiry", "updated_at")
    list_filter = ("nationality", "passport_country", "gender")
    search_fields = ("customer__user__email", "passport_number", "emergency_contact_name")
    readonly_fields = ("customer", *AUDIT_FIELDS)
    list_select_related = ("customer__user",)


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


@admin.register(FrequentFlyerNumber)
class FrequentFlyerNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "airline", "customer", "companion", "created_at")
    list_filter = ("airline",)
    search_fields = ("number", "customer__user__email", "companion__surname")
    readonly_fields = AUDIT_FIELDS
    raw_id_fields = ("customer", "companion")
    list_select_related = ("airline", "customer__user", "companion")


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
