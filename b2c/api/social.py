"""Travel stories API: the public feed, a story by its address (slug), writing, editing and
deleting one's own stories and their photos, likes, comments with one level of replies, and
reports.

Who sees what follows the pages: a private story, a hidden one, or one that does not exist is
404 for everyone but its author; someone else's story or comment cannot be changed (404).
"""

from functools import partial

from django.urls import path
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.models import ContentReport, StoryComment, TravelStory
from b2c.selectors.customer import customer_for_user, customer_for_viewer, customer_public_name
from b2c.selectors.social import (
    stories_feed,
    story_comment_get,
    story_comments,
    story_for_viewer,
    story_liked,
)
from b2c.services.reports import ContentNotFound, content_report
from b2c.services.social import (
    CAPTION_MAX,
    COMMENT_MAX,
    MAX_PHOTOS,
    CommentNotFound,
    StoryNotFound,
    comment_add,
    comment_delete,
    comment_edit,
    story_create,
    story_delete,
    story_like_set,
    story_photo_add,
    story_photo_remove,
    story_photo_reorder,
    story_update,
)
from core.api import ApiErrorSerializer, Pagination, validated
from core.http import not_found_as_404 as core_not_found_as_404

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No story (or comment) you can see.")
INVALID = OpenApiResponse(ApiErrorSerializer, description="Refused; nothing was changed.")


# A service's "not yours / not there" as a 404.
not_found_as_404 = partial(core_not_found_as_404, StoryNotFound, CommentNotFound, ContentNotFound)


def _viewer(request):
    return customer_for_viewer(user=request.user)


def _story(request, slug: str) -> TravelStory:
    with not_found_as_404():
        return story_for_viewer(slug=slug, viewer=_viewer(request))


class PublicNameField(serializers.CharField):
    def to_representation(self, value) -> str:
        return customer_public_name(customer=value)


class PhotoSerializer(serializers.Serializer):
    class Meta:
        ref_name = "StoryPhoto"

    id = serializers.IntegerField()
    image = serializers.ImageField(help_text="The re-encoded photo (no EXIF or GPS).")
    thumbnail = serializers.ImageField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    caption = serializers.CharField()
    position = serializers.IntegerField()


class StorySerializer(serializers.Serializer):
    class Meta:
        ref_name = "TravelStory"

    id = serializers.IntegerField()
    slug = serializers.CharField(help_text="The story's address: /stories/<slug>/.")
    title = serializers.CharField()
    author = PublicNameField(help_text='The author\'s public name ("Nadia K.").')
    author_handle = serializers.CharField(
        source="author.referral_code", help_text="The author's page: /stories/by/<handle>/."
    )
    destination = serializers.CharField(source="destination.iata_code", allow_null=True)
    visibility = serializers.ChoiceField(choices=TravelStory.Visibility.choices)
    language = serializers.CharField()
    cover = PhotoSerializer(allow_null=True)
    like_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    liked = serializers.SerializerMethodField()

    def get_liked(self, story) -> bool:
        return story.pk in self.context.get("liked", set())


class StoryDetailSerializer(StorySerializer):
    class Meta:
        ref_name = "TravelStoryDetail"

    body = serializers.CharField(help_text="Markdown, as written.")
    body_html = serializers.CharField(help_text="Sanitised HTML rendered from `body`.")
    photos = PhotoSerializer(many=True, source="photos.all")
    hidden = serializers.SerializerMethodField()

    def get_hidden(self, story) -> bool:
        return story.hidden_at is not None


class StoryInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TravelStoryInput"

    title = serializers.CharField(max_length=150)
    body = serializers.CharField(max_length=20_000, help_text="Markdown.")
    visibility = serializers.ChoiceField(
        choices=TravelStory.Visibility.choices, default=TravelStory.Visibility.PUBLIC
    )
    destination = serializers.CharField(
        max_length=3, required=False, allow_blank=True, default="", help_text="IATA code."
    )
    booking = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="One of your bookings."
    )


class StoryCreateSerializer(StoryInputSerializer):
    class Meta:
        ref_name = "TravelStoryCreate"

    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        help_text=f"Up to {MAX_PHOTOS} JPEG, PNG or WebP images; the first is the cover.",
    )
    captions = serializers.ListField(
        child=serializers.CharField(max_length=CAPTION_MAX, allow_blank=True),
        required=False,
        default=list,
        help_text="One a photo, in the same order.",
    )


class CommentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "StoryComment"

    id = serializers.IntegerField()
    author = PublicNameField(allow_null=True)
    status = serializers.ChoiceField(choices=StoryComment.Status.choices)
    text = serializers.CharField(help_text="Plain text; empty when deleted or hidden.")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, comment):
        data = super().to_representation(comment)
        if comment.status != StoryComment.Status.VISIBLE:
            data["text"], data["author"] = "", None
        return data


class ThreadSerializer(CommentSerializer):
    class Meta:
        ref_name = "StoryCommentThread"

    replies = CommentSerializer(many=True, source="replies.all")


class CommentInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "StoryCommentInput"

    text = serializers.CharField(max_length=COMMENT_MAX)
    parent = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Reply to this comment."
    )


class LikeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "StoryLike"

    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class ReportInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "StoryReportInput"

    reason = serializers.ChoiceField(choices=ContentReport.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _detail(request, story: TravelStory) -> dict:
    liked = story_liked(customer=_viewer(request), story_ids=[story.pk])
    return StoryDetailSerializer(story, context={"liked": liked}).data


class StoriesApi(APIView):
    """The public feed (newest first); POST publishes a story (multipart, with photos)."""

    pagination_class = Pagination

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=StorySerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(stories_feed(), request, view=self)
        liked = story_liked(customer=_viewer(request), story_ids=[s.pk for s in page])
        data = StorySerializer(page, many=True, context={"liked": liked}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request={"multipart/form-data": StoryCreateSerializer},
        responses={201: StoryDetailSerializer, 400: INVALID},
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = request.data
        if hasattr(data, "getlist"):
            # Multipart: several `photos` and `captions` parts, in order.
            lists = {"photos": data.getlist("photos"), "captions": data.getlist("captions")}
            # One value a field; an empty one (a form's "no trip") is "not given".
            data = {
                key: data.get(key) for key in data if key not in lists and data.get(key) != ""
            } | lists
        data = validated(StoryCreateSerializer, data)
        story = story_create(
            customer=customer,
            title=data["title"],
            body=data["body"],
            visibility=data["visibility"],
            destination_code=data["destination"],
            booking_id=data["booking"],
            language=translation.get_language() or "en",
            photos=data["photos"],
            captions=data["captions"],
        )
        story = story_for_viewer(slug=story.slug, viewer=customer)
        return Response(_detail(request, story), status=status.HTTP_201_CREATED)


class StoryDetailApi(APIView):
    """One story by its address; PATCH changes it and DELETE deletes it (author only)."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses={200: StoryDetailSerializer, 404: NOT_FOUND})
    def get(self, request, slug: str):
        return Response(_detail(request, _story(request, slug)))

    @extend_schema(
        request=StoryInputSerializer,
        responses={200: StoryDetailSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, slug: str):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        current = {
            "title": story.title,
            "body": story.body,
            "visibility": story.visibility,
            "destination": story.destination.iata_code if story.destination else "",
            "booking": story.booking_id,
        }
        data = validated(StoryInputSerializer, current | dict(request.data.items()))
        with not_found_as_404():
            story = story_update(
                customer=customer,
                story_id=story.pk,
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                destination_code=data["destination"],
                booking_id=data["booking"],
            )
        # Made unlisted or private, the story has a new address.
        return Response(_detail(request, story_for_viewer(slug=story.slug, viewer=customer)))

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, slug: str):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        with not_found_as_404():
            story_delete(customer=customer, story_id=story.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StoryPhotosApi(APIView):
    """Add a photo to one's own story (multipart: `photo`, `caption`)."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "StoryPhotoInput"

        photo = serializers.FileField(help_text="A JPEG, PNG or WebP image.")
        caption = serializers.CharField(
            max_length=CAPTION_MAX, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: PhotoSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, slug: str):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            photo = story_photo_add(
                customer=customer, story_id=story.pk, photo=data["photo"], caption=data["caption"]
            )
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class StoryPhotoOrderApi(APIView):
    """Put one's own story's photos in a new order: every photo's id, each once."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "StoryPhotoOrderInput"

        photos = serializers.ListField(
            child=serializers.IntegerField(), help_text="The ids of all the story's photos."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: PhotoSerializer(many=True), 400: INVALID, 404: NOT_FOUND},
    )
    def put(self, request, slug: str):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            story_photo_reorder(customer=customer, story_id=story.pk, photo_ids=data["photos"])
        return Response(PhotoSerializer(story.photos.order_by("position", "pk"), many=True).data)


class StoryPhotoApi(APIView):
    """Remove a photo from one's own story."""

    @extend_schema(responses={204: None, 400: INVALID, 404: NOT_FOUND})
    def delete(self, request, slug: str, photo_id: int):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        with not_found_as_404():
            story_photo_remove(customer=customer, story_id=story.pk, photo_id=photo_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StoryLikeApi(APIView):
    """POST likes the story, DELETE takes the like back; both answer the new count."""

    def _set(self, request, slug: str, liked: bool) -> Response:
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        with not_found_as_404():
            liked, count = story_like_set(customer=customer, story_id=story.pk, liked=liked)
        return Response(LikeSerializer({"liked": liked, "like_count": count}).data)

    @extend_schema(request=None, responses={200: LikeSerializer, 404: NOT_FOUND})
    def post(self, request, slug: str):
        return self._set(request, slug, True)

    @extend_schema(request=None, responses={200: LikeSerializer, 404: NOT_FOUND})
    def delete(self, request, slug: str):
        return self._set(request, slug, False)


class StoryCommentsApi(APIView):
    """The story's comments (threads with their replies, oldest first); POST adds one."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses={200: ThreadSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, slug: str):
        story = _story(request, slug)
        return Response(ThreadSerializer(story_comments(story=story), many=True).data)

    @extend_schema(
        request=CommentInputSerializer,
        responses={201: CommentSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, slug: str):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        data = validated(CommentInputSerializer, request.data)
        with not_found_as_404():
            comment = comment_add(
                customer=customer, story_id=story.pk, text=data["text"], parent_id=data["parent"]
            )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class StoryCommentApi(APIView):
    """PATCH edits one's own comment; DELETE deletes it."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "StoryCommentEdit"

        text = serializers.CharField(max_length=COMMENT_MAX)

    @extend_schema(
        request=InputSerializer,
        responses={200: CommentSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, slug: str, comment_id: int):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            story_comment_get(story=story, comment_id=comment_id)
            comment = comment_edit(customer=customer, comment_id=comment_id, text=data["text"])
        return Response(CommentSerializer(comment).data)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, slug: str, comment_id: int):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        with not_found_as_404():
            story_comment_get(story=story, comment_id=comment_id)
            comment_delete(customer=customer, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StoryReportApi(APIView):
    """Report a story, or one of its comments, to Safar's team (once each)."""

    @extend_schema(
        request=ReportInputSerializer,
        responses={
            201: OpenApiResponse(description="Reported."),
            400: INVALID,
            404: NOT_FOUND,
        },
    )
    def post(self, request, slug: str, comment_id: int | None = None):
        customer = customer_for_user(user=request.user)
        story = _story(request, slug)
        data = validated(ReportInputSerializer, request.data)
        with not_found_as_404():
            if comment_id is not None:
                story_comment_get(story=story, comment_id=comment_id)
                target = {"comment_id": comment_id}
            else:
                target = {"story_id": story.pk}
            content_report(customer=customer, reason=data["reason"], note=data["note"], **target)
        return Response({"status": "reported"}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("stories/", StoriesApi.as_view(), name="stories"),
    path("stories/<str:slug>/", StoryDetailApi.as_view(), name="story"),
    path("stories/<str:slug>/photos/", StoryPhotosApi.as_view(), name="story-photos"),
    path(
        "stories/<str:slug>/photos/order/", StoryPhotoOrderApi.as_view(), name="story-photo-order"
    ),
    path("stories/<str:slug>/photos/<int:photo_id>/", StoryPhotoApi.as_view(), name="story-photo"),
    path("stories/<str:slug>/like/", StoryLikeApi.as_view(), name="story-like"),
    path("stories/<str:slug>/comments/", StoryCommentsApi.as_view(), name="story-comments"),
    path(
        "stories/<str:slug>/comments/<int:comment_id>/",
        StoryCommentApi.as_view(),
        name="story-comment",
    ),
    path("stories/<str:slug>/report/", StoryReportApi.as_view(), name="story-report"),
    path(
        "stories/<str:slug>/comments/<int:comment_id>/report/",
        StoryReportApi.as_view(),
        name="story-comment-report",
    ),
]
