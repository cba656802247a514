"""Trips in the admin: read only (customers plan them; staff look when helping)."""

from django.contrib import admin

from b2c.models import Trip, TripActivity, TripDay, TripMember
from core.admin import ReadOnlyAdminMixin


class TripDayInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TripDay
    extra = 0
    fields = ("date", "notes")
    readonly_fields = fields


class TripMemberInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TripMember
    extra = 0
    fields = ("customer", "role", "created_at")
    readonly_fields = fields


class TripActivityInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TripActivity
    extra = 0
    fields = ("day", "set_aside_date", "kind", "title", "start_time", "time_zone", "cost",
              "cost_currency", "booking_reference")  # fmt: skip
    readonly_fields = fields


@admin.register(Trip)
class TripAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "start_date", "end_date", "is_shared", "calendar_enabled")
    list_filter = ("is_shared", "calendar_enabled")
    search_fields = ("name", "owner__user__email")
    date_hierarchy = "start_date"
    list_select_related = ("owner__user",)
    exclude = ("share_token", "calendar_token")
    inlines = [TripDayInline, TripMemberInline, TripActivityInline]


# Each part of a trip also has a list of its own, to find it (a booking's flights in trips, a
# customer's memberships); like the trips, they are changed only through b2c.services.trips.


@admin.register(TripDay)
class TripDayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("trip", "date")
    search_fields = ("trip__name", "trip__owner__user__email")
    list_select_related = ("trip",)
    date_hierarchy = "date"
    fields = ("trip", "date", "notes")
    readonly_fields = fields


@admin.register(TripMember)
class TripMemberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("trip", "customer", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("trip__name", "customer__user__email")
    list_select_related = ("trip", "customer__user")
    fields = ("trip", "customer", "role", "created_at")
    readonly_fields = fields


@admin.register(TripActivity)
class TripActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "trip", "day", "kind", "start_time", "time_zone", "booking_reference")
    list_filter = ("kind",)
    search_fields = ("title", "trip__name", "booking_reference", "booking__reference")
    list_select_related = ("trip", "day")
    fields = ("trip", "day", "set_aside_date", "kind", "position", "title", "place", "time_zone",
              "start_time", "end_time", "notes", "cost", "cost_currency", "booking_reference",
              "booking", "segment", "created_at", "updated_at")  # fmt: skip
    readonly_fields = fields
