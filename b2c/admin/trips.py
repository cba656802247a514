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
