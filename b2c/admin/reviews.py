"""Staff views of reviews: a moderation queue (held reviews first, then the most reported),
publishing and rejecting (with a reason, told to the author), the company's response, and the
reports customers sent. Every change goes through b2c.services.reviews and
b2c.services.reports, so the aggregates, the author's notices and the checks apply."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from b2c.models import (
    ContentReport,
    Review,
    ReviewAggregate,
    ReviewImage,
    ReviewResponse,
    ReviewVote,
)
from b2c.services.reports import content_report_resolve
from b2c.services.reviews import review_publish, review_reject, review_respond
from core.admin import ReadOnlyAdminMixin, service_action
from core.exceptions import ApplicationError


class ReadOnlyInline(ReadOnlyAdminMixin):
    extra = 0
    can_delete = False


class ReviewImageInline(ReadOnlyInline, admin.TabularInline):
    model = ReviewImage
    fields = ("preview", "width", "height", "position", "created_at")
    readonly_fields = fields

    @admin.display(description=_("image"))
    def preview(self, obj):
        if not obj.thumbnail:
            return ""
        return format_html(
            '<a href="{}"><img src="{}" alt="" class="review-admin-thumbnail"></a>',
            obj.image.url,
            obj.thumbnail.url,
        )


class ReviewResponseInline(ReadOnlyInline, admin.StackedInline):
    model = ReviewResponse
    fields = ("text", "author", "created_at")
    readonly_fields = fields


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("reason (the author is told)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(forms.Form):
    text = forms.CharField(label=_("response"), widget=forms.Textarea(attrs={"rows": 6}))


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title", "subject_key", "rating", "status", "verified_purchase", "helpful_count",
        "report_count", "created_at",
    )  # fmt: skip
    list_filter = ("status", "verified_purchase", "subject_kind")
    search_fields = ("title", "subject_key", "customer__user__email")
    list_select_related = ("customer__user",)
    fields = (
        "status", "held_reason", "rejection_reason", "moderated_by", "respond_link",
        "subject_kind", "subject_key", "airline", "origin", "destination", "subject_name",
        "customer", "booking", "verified_purchase", "travel_date", "rating", "comfort", "service",
        "value", "punctuality", "title", "text", "language", "helpful_count", "report_count",
        "published_at", "edited_at", "created_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (ReviewImageInline, ReviewResponseInline)
    actions = ("publish_reviews", "reject_reviews")

    def get_queryset(self, request):
        # The queue: held reviews first, then the most reported, newest first.
        # Annotated before the admin orders by it (ModelAdmin.get_queryset would order first).
        return self.model._default_manager.annotate(
            queue=Case(
                When(status=Review.Status.PENDING, then=Value(0)),
                When(status=Review.Status.PUBLISHED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("queue", "-report_count", "-created_at", "-id")

    def get_ordering(self, request):
        return ("queue", "-report_count", "-created_at", "-id")

    @admin.display(description=_("company response"))
    def respond_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        if ReviewResponse.objects.filter(review=obj).exists():
            return _("Answered (below).")
        if obj.status != Review.Status.PUBLISHED:
            return _("Only a published review can be answered.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:b2c_review_respond", args=[obj.pk]),
            _("Write the company's response"),
        )

    @admin.action(description=_("Publish the selected reviews"))
    def publish_reviews(self, request, queryset):
        service_action(
            self, request, queryset,
            lambda review: review_publish(staff_user=request.user, review_id=review.pk),
            lambda n: ngettext("%(count)d review published.", "%(count)d reviews published.", n)
            % {"count": n},
        )  # fmt: skip

    @admin.action(description=_("Reject the selected reviews…"))
    def reject_reviews(self, request, queryset):
        """First a page asking for the reason (told to each author), then the rejections."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            service_action(
                self, request, queryset,
                lambda review: review_reject(
                    staff_user=request.user, review_id=review.pk, reason=reason
                ),
                lambda n: ngettext("%(count)d review rejected.", "%(count)d reviews rejected.", n)
                % {"count": n},
            )  # fmt: skip
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reject reviews"),
            "form": form,
            "reviews": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "b2c/reviews/admin_reject.html", context)

    def get_urls(self):
        return [
            path(
                "<int:review_id>/respond/",
                self.admin_site.admin_view(self.respond_view),
                name="b2c_review_respond",
            ),
            *super().get_urls(),
        ]

    def respond_view(self, request, review_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        review = get_object_or_404(Review, pk=review_id)
        form = RespondForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                review_respond(
                    staff_user=request.user, review_id=review.pk, text=form.cleaned_data["text"]
                )
            except ApplicationError as error:
                for field, problems in (error.extra or {None: [error.message]}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                self.message_user(request, _("The response is published."), messages.SUCCESS)
                return redirect("admin:b2c_review_change", review.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Company response"),
            "form": form,
            "review": review,
        }
        return TemplateResponse(request, "b2c/reviews/admin_respond.html", context)


class ResolvedFilter(admin.SimpleListFilter):
    title = _("resolved")
    parameter_name = "resolved"

    def lookups(self, request, model_admin):
        return (("no", _("Open")), ("yes", _("Resolved")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(ContentReport)
class ContentReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reason", "target", "note", "reporter", "created_at", "is_open")
    list_filter = (ResolvedFilter, "reason")
    list_select_related = ("reporter__user", "review", "story", "comment")
    search_fields = ("note", "reporter__user__email", "review__title")
    fields = (
        "reason", "note", "reporter", "review", "story", "comment", "created_at", "resolved_at",
        "resolved_by",
    )  # fmt: skip
    readonly_fields = fields
    actions = ("mark_resolved",)

    def get_queryset(self, request):
        return self.model._default_manager.annotate(
            open=Case(
                When(resolved_at__isnull=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ).order_by("-open", "-created_at", "-id")

    def get_ordering(self, request):
        return ("-open", "-created_at", "-id")

    @admin.display(description=_("open"), boolean=True, ordering="open")
    def is_open(self, obj):
        return obj.resolved_at is None

    @admin.display(description=_("about"))
    def target(self, obj):
        if obj.review_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:b2c_review_change", args=[obj.review_id]),
                obj.review.title,
            )
        return str(obj.story or obj.comment or "")

    @admin.action(description=_("Mark the selected reports resolved"))
    def mark_resolved(self, request, queryset):
        service_action(
            self, request, queryset,
            lambda report: content_report_resolve(staff_user=request.user, report_id=report.pk),
            lambda n: ngettext("%(count)d report resolved.", "%(count)d reports resolved.", n)
            % {"count": n},
        )  # fmt: skip


@admin.register(ReviewAggregate)
class ReviewAggregateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Kept by the review services; shown to check them."""

    list_display = (
        "subject_key", "review_count", "average", "count_5", "count_4", "count_3", "count_2",
        "count_1", "updated_at",
    )  # fmt: skip
    list_filter = ("subject_kind",)
    search_fields = ("subject_key",)
    readonly_fields = (
        "subject_key", "subject_kind", "airline", "origin", "destination", "review_count",
        "rating_total", "count_1", "count_2", "count_3", "count_4", "count_5", "updated_at",
    )  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("average"))
    def average(self, obj):
        if not obj.review_count:
            return "—"
        return f"{obj.rating_total / obj.review_count:.1f}"


@admin.register(ReviewVote)
class ReviewVoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Helpful votes, to look at: they are the customers' own (cast and taken back through
    b2c.services.reviews, which keeps each review's helpful_count), so staff never edit them."""

    list_display = ("review", "customer", "created_at")
    list_select_related = ("review", "customer__user")
    search_fields = ("review__title", "customer__user__email")
    readonly_fields = ("review", "customer", "created_at")
    fields = readonly_fields
    ordering = ("-created_at", "-id")
