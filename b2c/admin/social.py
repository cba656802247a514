"""Staff views of travel stories and their comments: moderation first. Staff hide or show a
story or hide a comment (through the services, so counts stay right); they never edit what a
customer wrote. Reported content comes first."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from b2c.models import StoryComment, StoryLike, TravelPhoto, TravelStory
from b2c.services.social import comment_hide, comment_unhide, story_hide, story_unhide
from core.admin import ReadOnlyAdminMixin, service_action

HIDE_REASON = _("Hidden by staff after review")


class TravelPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TravelPhoto
    extra = 0
    fields = ("image", "thumbnail", "caption", "position", "width", "height")
    readonly_fields = fields


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden by staff")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Shown"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.register(TravelStory)
class TravelStoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title", "author_email", "visibility", "is_hidden", "like_count", "comment_count",
        "report_count", "published_at",
    )  # fmt: skip
    list_filter = ("visibility", HiddenFilter)
    search_fields = ("title", "slug", "author__user__email")
    list_select_related = ("author__user",)
    ordering = ("-report_count", "-published_at")
    fields = (
        "title", "slug", "author", "visibility", "language", "destination", "booking", "body",
        "published_at", "hidden_at", "hidden_reason", "like_count", "comment_count",
        "report_count",
    )  # fmt: skip
    readonly_fields = fields
    inlines = [TravelPhotoInline]
    actions = ["hide", "unhide"]

    @admin.display(description=_("author"), ordering="author__user__email")
    def author_email(self, obj):
        return obj.author.user.email

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def is_hidden(self, obj):
        return obj.hidden_at is not None

    @admin.action(description=_("Hide the selected stories"))
    def hide(self, request, queryset):
        service_action(self, request, queryset,
             lambda s: story_hide(staff_user=request.user, story_id=s.pk, reason=str(HIDE_REASON)),
             lambda n: _("%(count)d stories hidden.") % {"count": n})  # fmt: skip

    @admin.action(description=_("Show the selected stories again"))
    def unhide(self, request, queryset):
        service_action(self, request, queryset,
             lambda s: story_unhide(staff_user=request.user, story_id=s.pk),
             lambda n: _("%(count)d stories shown again.") % {"count": n})  # fmt: skip


@admin.register(StoryComment)
class StoryCommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "author_email", "story", "status", "report_count", "created_at")
    list_filter = ("status",)
    search_fields = ("text", "author__user__email", "story__title")
    list_select_related = ("author__user", "story")
    ordering = ("-report_count", "-created_at")
    fields = (
        "story", "author", "parent", "text", "status", "report_count", "edited_at",
        "moderated_by", "created_at",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["hide", "unhide"]

    @admin.display(description=_("author"), ordering="author__user__email")
    def author_email(self, obj):
        return obj.author.user.email

    @admin.action(description=_("Hide the selected comments"))
    def hide(self, request, queryset):
        service_action(self, request, queryset,
             lambda c: comment_hide(staff_user=request.user, comment_id=c.pk),
             lambda n: _("%(count)d comments hidden.") % {"count": n})  # fmt: skip

    @admin.action(description=_("Show the selected comments again"))
    def unhide(self, request, queryset):
        service_action(self, request, queryset,
             lambda c: comment_unhide(staff_user=request.user, comment_id=c.pk),
             lambda n: _("%(count)d comments shown again.") % {"count": n})  # fmt: skip


@admin.register(StoryLike)
class StoryLikeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who liked what, to look into; likes change only through the services (counts)."""

    list_display = ("story", "customer", "created_at")
    list_select_related = ("story", "customer__user")
    search_fields = ("story__title", "story__slug")
    ordering = ("-created_at",)
    fields = ("story", "customer", "created_at")
    readonly_fields = fields
