"""Help-desk API: the customer's tickets (opened with attachments, multipart or JSON), their
threads and replies, closing and rating them, attachment downloads, and the FAQ (public: search
in a language, the entries by category, "was this helpful?" votes).

The staff's internal notes never appear here: every thread comes from
ticket_messages_for_customer, and an attachment is served only when its message is part of
that thread. Another customer's ticket, or an attachment outside the customer's thread, is 404
like one that does not exist.

Due times (first_response_due, resolution_due) are not shown: they are the staff's service
targets, move when staff change the priority, stop while waiting for the customer, and would
read as promises; the customer sees the ticket's status, which is what they act on.

Bad input (a short subject, an attachment that is not what its content says, a reply to a
closed ticket, a second rating) answers 400 with field errors and stores nothing.
"""

import time

from django.conf import settings
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from b2c.models import SupportTicket, TicketMessage
from b2c.models.support import CUSTOMER_PRIORITIES, private_storage
from b2c.selectors.customer import customer_for_user
from b2c.selectors.support import (
    FAQ_LANGUAGES,
    faq_by_category,
    faq_search,
    ticket_attachment_for_user,
    ticket_for_customer,
    ticket_messages_for_customer,
    tickets_of_customer,
)
from b2c.services.support import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    FAQNotFound,
    TicketNotFound,
    faq_vote,
    ticket_close,
    ticket_open,
    ticket_rate,
    ticket_reply,
)
from core.api import ApiErrorSerializer, ErrorsAsJSON, Pagination, validated
from core.http import not_found_as_404, private_file_response

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such ticket, or not yours.")
INVALID = OpenApiResponse(ApiErrorSerializer, description="Refused; nothing was stored.")
DOWNLOADS = {
    (200, media_type): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="The file, as an attachment (Content-Disposition), never cached.",
    )
    for media_type in ("application/pdf", "image/jpeg", "image/png")
}
ATTACHMENTS_HELP = (
    "JPEG, PNG or WebP images or PDFs, checked by their content (not their name), at most "
    "{size} MB each and {count} a message. Send several `attachments` parts (multipart)."
)


def _attachments_help() -> str:
    return ATTACHMENTS_HELP.format(
        size=settings.SUPPORT_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        count=settings.SUPPORT_ATTACHMENTS_PER_MESSAGE,
    )


def _form_data(request) -> dict:
    """The request's fields, with every file of `attachments`. A form gives one value a field
    (an empty one is "not given"); JSON is taken as it is."""
    data = request.data
    if not hasattr(data, "getlist"):
        return data
    values = {key: data.get(key) for key in data if key != "attachments" and data.get(key) != ""}
    values["attachments"] = request.FILES.getlist("attachments")
    return values


# Output ---------------------------------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TicketAttachment"

    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The uploaded file's name.")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes.")
    url = serializers.SerializerMethodField(help_text="Downloads the file (signed in).")

    def get_url(self, attachment) -> str:
        url = reverse(
            "support-api:ticket-attachment",
            args=[attachment.message.ticket_id, attachment.pk],
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MessageSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TicketMessage"

    id = serializers.IntegerField()
    from_staff = serializers.BooleanField(help_text="An answer from Safar support.")
    author_name = serializers.SerializerMethodField(
        help_text='For staff, their first name or "Safar support"; for the customer, theirs.'
    )
    body = serializers.CharField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    created_at = serializers.DateTimeField()

    def get_author_name(self, message) -> str:
        first_name = message.author.first_name.strip() if message.author else ""
        if message.from_staff:
            return first_name or _("Safar support")
        return first_name


class TicketBookingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TicketBooking"

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField(help_text="The booking's state.")


class TicketSerializer(serializers.Serializer):
    class Meta:
        ref_name = "SupportTicket"

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text='e.g. "T-7KQ4M2".')
    subject = serializers.CharField()
    category = serializers.CharField(
        help_text="One of " + ", ".join(SupportTicket.Category.values) + "."
    )
    priority = serializers.CharField(
        help_text="One of " + ", ".join(SupportTicket.Priority.values) + "."
    )
    status = serializers.CharField(
        help_text="open, in_progress, waiting (for the customer's reply), resolved (a reply "
        "within a week reopens it) or closed."
    )
    status_label = serializers.CharField(source="get_status_display")
    booking = TicketBookingSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TicketDetailSerializer(TicketSerializer):
    class Meta:
        ref_name = "SupportTicketDetail"

    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True, help_text="1 to 5, once rated.")
    satisfaction_comment = serializers.CharField()
    messages = MessageSerializer(many=True, source="thread", help_text="Oldest first.")


def _detail(request, customer, ticket_id) -> dict:
    with not_found_as_404(TicketNotFound):
        ticket = ticket_for_customer(customer=customer, ticket_id=ticket_id)
    ticket.thread = ticket_messages_for_customer(ticket=ticket)
    return TicketDetailSerializer(ticket, context={"request": request}).data


# Tickets --------------------------------------------------------------------------------------


class TicketOpenSerializer(serializers.Serializer):
    class Meta:
        ref_name = "SupportTicketOpen"

    subject = serializers.CharField(max_length=SUBJECT_MAX_LENGTH)
    category = serializers.CharField(
        max_length=12, help_text="One of " + ", ".join(SupportTicket.Category.values) + "."
    )
    priority = serializers.ChoiceField(
        choices=CUSTOMER_PRIORITIES,
        required=False,
        default=SupportTicket.Priority.NORMAL,
        help_text="low, normal or high; normal by default (staff raise a ticket to urgent).",
    )
    booking = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="One of one's own bookings."
    )
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_attachments_help()
    )


class TicketReplySerializer(serializers.Serializer):
    class Meta:
        ref_name = "SupportTicketReply"

    body = serializers.CharField(max_length=BODY_MAX_LENGTH, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_attachments_help()
    )


class TicketsApi(APIView):
    """The customer's tickets, newest first (GET); a new ticket with its first message and
    attachments (POST, multipart/form-data or JSON without files)."""

    pagination_class = Pagination

    @extend_schema(responses=TicketSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            tickets_of_customer(customer=customer), request, view=self
        )
        return paginator.get_paginated_response(TicketSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": TicketOpenSerializer,
                 "application/json": TicketOpenSerializer},
        responses={201: TicketDetailSerializer, 400: INVALID},
    )  # fmt: skip
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(TicketOpenSerializer, _form_data(request))
        ticket = ticket_open(
            customer=customer,
            subject=data["subject"],
            category=data["category"],
            priority=data["priority"],
            booking_id=data["booking"],
            body=data["body"],
            attachments=data["attachments"],
        )
        return Response(_detail(request, customer, ticket.pk), status=status.HTTP_201_CREATED)


class TicketDetailApi(APIView):
    """One of the customer's tickets with its thread (never the staff's internal notes)."""

    @extend_schema(responses={200: TicketDetailSerializer, 404: NOT_FOUND})
    def get(self, request, ticket_id: int):
        return Response(_detail(request, customer_for_user(user=request.user), ticket_id))


class TicketCloseApi(APIView):
    """The customer closes their ticket (a closed ticket takes no more replies)."""

    @extend_schema(
        request=None, responses={200: TicketDetailSerializer, 400: INVALID, 404: NOT_FOUND}
    )
    def post(self, request, ticket_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404(TicketNotFound):
            ticket_close(customer=customer, ticket_id=ticket_id)
        return Response(_detail(request, customer, ticket_id))


class TicketRatingApi(APIView):
    """Rate the help on a resolved or closed ticket, once."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SupportTicketRating"

        satisfaction = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(
            max_length=COMMENT_MAX_LENGTH, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: TicketDetailSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, ticket_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404(TicketNotFound):
            ticket_rate(
                customer=customer,
                ticket_id=ticket_id,
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            )
        return Response(_detail(request, customer, ticket_id))


class TicketMessagesApi(APIView):
    """The ticket's thread, oldest first, without the staff's internal notes (GET); the
    customer's reply with attachments (POST, multipart/form-data or JSON without files): a
    waiting ticket is back in progress, a resolved one reopens within a week."""

    pagination_class = Pagination

    @extend_schema(responses={200: MessageSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, ticket_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404(TicketNotFound):
            ticket = ticket_for_customer(customer=customer, ticket_id=ticket_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            ticket_messages_for_customer(ticket=ticket), request, view=self
        )
        data = MessageSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request={"multipart/form-data": TicketReplySerializer,
                 "application/json": TicketReplySerializer},
        responses={201: MessageSerializer, 400: INVALID, 404: NOT_FOUND},
    )  # fmt: skip
    def post(self, request, ticket_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(TicketReplySerializer, _form_data(request))
        with not_found_as_404(TicketNotFound):
            message = ticket_reply(
                customer=customer,
                ticket_id=ticket_id,
                body=data["body"],
                attachments=data["attachments"],
            )
        message = (
            TicketMessage.objects.select_related("author")
            .prefetch_related("attachments")
            .get(pk=message.pk)
        )
        return Response(
            MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class FileRenderer(BaseRenderer):
    """Lets a client ask for the file's own type without a 406; the file itself is a
    FileResponse."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class TicketAttachmentApi(ErrorsAsJSON, APIView):
    """An attachment of a message in the customer's thread, as a download. An internal note's
    attachment, or one of another ticket, is 404."""

    renderer_classes = [JSONRenderer, FileRenderer]

    @extend_schema(
        operation_id="v1_tickets_attachment_download",
        responses={**DOWNLOADS, 404: NOT_FOUND},
    )
    def get(self, request, ticket_id: int, attachment_id: int):
        customer_for_user(user=request.user)  # 404 for an account without a customer
        with not_found_as_404(TicketNotFound):
            attachment = ticket_attachment_for_user(
                user=request.user, ticket_id=ticket_id, attachment_id=attachment_id
            )
        return private_file_response(
            private_storage(),
            attachment.file.name,
            filename=attachment.name,
            content_type=attachment.content_type,
        )


# FAQ ------------------------------------------------------------------------------------------


class FAQEntrySerializer(serializers.Serializer):
    class Meta:
        ref_name = "FAQEntry"

    id = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField()


class FAQHitSerializer(FAQEntrySerializer):
    class Meta:
        ref_name = "FAQHit"

    category = serializers.CharField()


class FAQCategorySerializer(serializers.Serializer):
    class Meta:
        ref_name = "FAQCategory"

    category = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language.")
    entries = FAQEntrySerializer(many=True)


class FAQSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FAQ"

    language = serializers.CharField(help_text="The language of the questions and answers.")
    query = serializers.CharField(help_text="The search, as given; empty without one.")
    results = FAQHitSerializer(
        many=True, help_text="With q: up to 5 entries, questions matching first; else empty."
    )
    categories = FAQCategorySerializer(
        many=True, help_text="Without q: every entry by category; else empty."
    )


def _request_language() -> str:
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in FAQ_LANGUAGES else "en"


class FAQApi(APIView):
    """The FAQ in a language: search it (q), or every entry by category (no q)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class QuerySerializer(serializers.Serializer):
        class Meta:
            ref_name = "FAQQuery"

        q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        lang = serializers.ChoiceField(
            choices=[(code, code) for code in FAQ_LANGUAGES], required=False
        )

    @extend_schema(
        auth=[],
        parameters=[
            OpenApiParameter("q", str, description="Words to look for; any of them matches."),
            OpenApiParameter(
                "lang",
                str,
                enum=list(FAQ_LANGUAGES),
                description="The request's language (Accept-Language) by default.",
            ),
        ],
        responses={200: FAQSerializer, 400: INVALID},
    )
    def get(self, request):
        data = validated(self.QuerySerializer, request.query_params)
        language = data.get("lang") or _request_language()
        query = data["q"].strip()
        results: list[dict] = []
        categories: list[dict] = []
        if query:
            results = [
                {
                    "id": faq.pk,
                    "category": faq.category,
                    "question": getattr(faq, f"question_{language}"),
                    "answer": getattr(faq, f"answer_{language}"),
                }
                for faq in faq_search(query=query, language=language)
            ]
        else:
            with translation.override(language):
                categories = [
                    group | {"label": str(group["label"])}
                    for group in faq_by_category(language=language)
                ]
        body = {"language": language, "query": query, "results": results, "categories": categories}
        return Response(FAQSerializer(body).data)


class FAQVoteThrottle(AnonRateThrottle):
    """Votes are counters anyone may add to: at most 30 an hour from one client address."""

    rate = "30/hour"
    scope = "faq_vote"

    def timer(self) -> float:
        # Read the clock when called (DRF keeps `time.time` as it was at import).
        return time.time()


class FAQVoteApi(APIView):
    """Answer "Was this helpful?" for an entry: each call counts once."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [FAQVoteThrottle]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FAQVote"

        helpful = serializers.BooleanField()

    @extend_schema(
        auth=[],
        request=InputSerializer,
        responses={
            204: OpenApiResponse(description="Counted."),
            400: INVALID,
            404: OpenApiResponse(ApiErrorSerializer, description="No such published entry."),
            429: OpenApiResponse(ApiErrorSerializer, description="Too many votes; try later."),
        },
    )
    def post(self, request, faq_id: int):
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404(FAQNotFound):
            faq_vote(faq_id=faq_id, helpful=data["helpful"])
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("tickets/", TicketsApi.as_view(), name="tickets"),
    path("tickets/<int:ticket_id>/", TicketDetailApi.as_view(), name="ticket"),
    path("tickets/<int:ticket_id>/close/", TicketCloseApi.as_view(), name="ticket-close"),
    path("tickets/<int:ticket_id>/rating/", TicketRatingApi.as_view(), name="ticket-rating"),
    path("tickets/<int:ticket_id>/messages/", TicketMessagesApi.as_view(), name="ticket-messages"),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>/",
        TicketAttachmentApi.as_view(),
        name="ticket-attachment",
    ),
    path("faq/", FAQApi.as_view(), name="faq"),
    path("faq/<int:faq_id>/vote/", FAQVoteApi.as_view(), name="faq-vote"),
]
