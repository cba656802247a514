"""Staff views of notifications, preferences and the outbox. Notifications and preferences are
the users' own (read-only here); staff can only send a given-up outbox message again."""

import json

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification, NotificationPreference, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind", ReadFilter)
    search_fields = ("user__email", "title", "dedupe_key")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    fields = ("user", "kind", "title", "body", "url", "dedupe_key", "created_at", "read_at")
    readonly_fields = fields


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "channel", "enabled", "updated_at")
    list_filter = ("kind", "channel", "enabled")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = ("user", "kind", "channel", "enabled", "updated_at")
    readonly_fields = fields


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "dedupe_key",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("dedupe_key",)
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = (
        "channel",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "payload_pretty",
    )
    readonly_fields = fields

    @admin.display(description=_("payload"))
    def payload_pretty(self, obj):
        return format_html(
            "<pre>{}</pre>",
            json.dumps(obj.payload, indent=2, ensure_ascii=False),
        )

    @admin.action(description=_("Retry now (given-up messages)"))
    def retry_now(self, request, queryset):
        # Given-up messages only: a pending one is already on its way, a sent one must not be
        # sent twice. Due now with the whole backoff ahead again (the last error stays until the
        # next attempt); the relay, every minute, sends them.
        retried = queryset.filter(status=OutboxMessage.Status.FAILED).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )
