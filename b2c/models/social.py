"""Travel stories customers write, with photos, likes and comments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def story_photo_path(instance, filename: str) -> str:
    # The name is the pipeline's (a random hex and the re-encoded format), never the upload's.
    return f"stories/{filename}"


class TravelStory(TimeStampedModel):
    """A story: Markdown written by its author, kept with the sanitised HTML rendered from it.

    Public stories are in the feed and on the author's page; unlisted ones open only by their
    link; private ones only for their author. Staff can hide a story (moderation), which takes
    it off every page but the author's.
    """

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        UNLISTED = "unlisted", _("Unlisted (only people with the link)")
        PRIVATE = "private", _("Private (only me)")

    author = models.ForeignKey("b2c.Customer", on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=180, unique=True, allow_unicode=True)
    body = models.TextField(_("story"), help_text=_("Markdown: **bold**, _italic_, lists, links."))
    body_html = models.TextField(editable=False)
    destination = models.ForeignKey(
        "flights.Airport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destination"),
    )
    # The trip the story tells, as the author's booking (a story does not link to a planner trip).
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("trip"),
    )
    cover = models.ForeignKey(
        "b2c.TravelPhoto",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover photo"),
    )
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden by staff at"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it was hidden"), max_length=300, blank=True)
    # Kept by the services in the transaction that adds or removes a like or a comment.
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)

    class Meta:
        db_table = "b2c_travel_story"
        ordering = ["-published_at", "-id"]
        verbose_name = _("travel story")
        verbose_name_plural = _("travel stories")
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(visibility="public", hidden_at__isnull=True),
                name="story_public_feed",
            ),
            models.Index(fields=["author", "-published_at"], name="story_author"),
        ]

    def __str__(self) -> str:
        return self.title


class TravelPhoto(models.Model):
    """A photo in a story: re-encoded (no EXIF or GPS), with a thumbnail, a caption and a
    place in the story's order."""

    story = models.ForeignKey(TravelStory, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to=story_photo_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=story_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "b2c_travel_photo"
        ordering = ["story", "position", "id"]
        verbose_name = _("story photo")
        verbose_name_plural = _("story photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class StoryLike(models.Model):
    """One customer likes a story (once)."""

    story = models.ForeignKey(TravelStory, on_delete=models.CASCADE, related_name="likes")
    customer = models.ForeignKey("b2c.Customer", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "b2c_story_like"
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [
            models.UniqueConstraint(fields=["story", "customer"], name="story_like_once"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ♥ {self.story_id}"


class StoryComment(TimeStampedModel):
    """A comment on a story, or a reply to one (one level: a reply's parent has no parent)."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by staff")
        DELETED = "deleted", _("Deleted by its author")

    story = models.ForeignKey(TravelStory, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="story_comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    text = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )

    class Meta:
        db_table = "b2c_story_comment"
        ordering = ["story", "created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="story_comment_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["story", "created_at"], name="story_comment_thread")]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.story_id}"
