"""Staff views of the newsletter: who is subscribed, and the issues staff write and send.

Subscriptions change only through b2c.services.newsletter (a subscriber's own links and
settings, or the "unsubscribe" action here): staff never confirm an address for someone. An
issue is editable until it is sent; the "send to subscribers" action queues it once (a Celery
task writes its emails; `recipients` counts them as they are written).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from b2c.models import NewsletterIssue, NewsletterSubscription, NewsletterTopic
from b2c.selectors.newsletter import newsletter_audience, newsletter_topic_q
from b2c.services.newsletter import (
    newsletter_issue_queue,
    newsletter_subscription_unsubscribe,
)
from core.exceptions import ApplicationError


class TopicFilter(admin.SimpleListFilter):
    title = _("topic")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return NewsletterTopic.choices

    def queryset(self, request, queryset):
        if self.value() in NewsletterTopic.values:
            return queryset.filter(newsletter_topic_q(self.value()))
        return queryset


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "state", "topic_list", "language", "customer", "confirmed_at",
                    "created_at")  # fmt: skip
    list_filter = ("state", TopicFilter, "language")
    search_fields = ("email",)
    list_select_related = ("customer__user",)
    fields = ("email", "state", "topics", "language", "customer", "confirmed_at",
              "unsubscribed_at", "created_at", "updated_at")  # fmt: skip
    readonly_fields = fields
    actions = ["unsubscribe"]

    @admin.display(description=_("topics"))
    def topic_list(self, obj):
        labels = dict(NewsletterTopic.choices)
        return ", ".join(str(labels.get(topic, topic)) for topic in obj.topics or [])

    # Addresses sign up, confirm and leave by themselves (double opt-in): staff only read, and
    # may unsubscribe or erase an address.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_unsubscribe_permission(self, request):
        # has_change_permission is False for everyone (no direct edits): ask the real one.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description=_("Unsubscribe the selected addresses"), permissions=["unsubscribe"])
    def unsubscribe(self, request, queryset):
        count = 0
        for subscription in queryset:
            if subscription.state != NewsletterSubscription.State.UNSUBSCRIBED:
                newsletter_subscription_unsubscribe(subscription=subscription)
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d address unsubscribed.", "%(count)d addresses unsubscribed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ("subject", "topic", "language", "sent_at", "recipients", "created_at")
    list_filter = ("topic", "language", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("subject",)
    fields = ("topic", "language", "subject", "body", "audience", "sent_at", "recipients")
    actions = ["send"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return self.fields  # sent: it is what the subscribers got
        return ("audience", "sent_at", "recipients")

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("audience"))
    def audience(self, obj):
        if obj is None or obj.pk is None:
            return _("Active subscribers of the topic in the issue's language, once saved.")
        if obj.sent_at is not None:
            return "—"
        count = newsletter_audience(issue=obj).count()
        return ngettext(
            "%(count)d active subscriber of this topic and language would get it now.",
            "%(count)d active subscribers of this topic and language would get it now.",
            count,
        ) % {"count": count}

    @admin.action(description=_("Send to subscribers"), permissions=["change"])
    def send(self, request, queryset):
        # Queued, not sent here: a Celery task writes the emails in batches after the commit.
        for issue in queryset.order_by("pk"):
            try:
                queued = newsletter_issue_queue(issue_id=issue.pk)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
                continue
            self.message_user(
                request,
                _("“%(subject)s” is queued: its emails go out to its subscribers shortly.")
                % {"subject": queued.subject},
                messages.SUCCESS,
            )
