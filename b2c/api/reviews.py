"""Reviews API: the published reviews of a subject with its rating summary (public), an
airline's summary, writing a review (multipart, with photos), editing and deleting one's own,
helpful votes, reports, and the company's response (staff only).

Another customer's review is 404 for PATCH and DELETE; a review not published is 404 to all
but its author.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.models import ContentReport, Review
from b2c.models.reviews import SubjectKind
from b2c.selectors.customer import customer_for_user, customer_public_name
from b2c.selectors.reviews import (
    review_aggregate,
    review_get_own,
    reviews_of_customer,
    reviews_published,
)
from b2c.services.reports import content_report
from b2c.services.reviews import (
    REVIEW_IMAGES_MAX,
    ReviewNotFound,
    airline_subject_key,
    review_create,
    review_delete,
    review_respond,
    review_update,
    review_vote_set,
)
from core.api import ApiErrorSerializer, Pagination, validated
from core.exceptions import ApplicationError
from core.parsers import BoundedJSONParser
from flights.models import Airline

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such review, or not yours.")
INVALID = OpenApiResponse(ApiErrorSerializer, description="Refused; nothing was changed.")
SORTS = ("newest", "helpful", "highest", "lowest")


class ReviewImageSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewImage"

    id = serializers.IntegerField()
    image = serializers.ImageField(use_url=True)
    thumbnail = serializers.ImageField(use_url=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ReviewResponseSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewCompanyResponse"

    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Review"

    id = serializers.IntegerField()
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    subject_key = serializers.CharField(help_text='e.g. "flight:EK:DXB-LHR".')
    airline = serializers.CharField(source="airline.iata_code", allow_null=True, default=None)
    origin = serializers.CharField(source="origin.iata_code", allow_null=True, default=None)
    destination = serializers.CharField(
        source="destination.iata_code", allow_null=True, default=None
    )
    subject_name = serializers.CharField()
    travel_date = serializers.DateField()
    rating = serializers.IntegerField()
    comfort = serializers.IntegerField(allow_null=True)
    service = serializers.IntegerField(allow_null=True)
    value = serializers.IntegerField(allow_null=True)
    punctuality = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    text = serializers.CharField()
    language = serializers.CharField()
    author = serializers.SerializerMethodField(help_text='First name and initial ("Nadia K.").')
    verified_purchase = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
    images = ReviewImageSerializer(many=True, source="images.all")
    response = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(allow_null=True)
    edited_at = serializers.DateTimeField(allow_null=True)

    def get_author(self, review) -> str:
        return customer_public_name(customer=review.customer)

    @extend_schema_field(ReviewResponseSerializer(allow_null=True))
    def get_response(self, review):
        response = getattr(review, "response", None)
        return ReviewResponseSerializer(response).data if response is not None else None


class MyReviewSerializer(ReviewSerializer):
    class Meta:
        ref_name = "MyReview"

    status = serializers.ChoiceField(
        choices=Review.Status.choices,
        help_text="pending: held for a check; published; rejected (see rejection_reason).",
    )
    held_reason = serializers.CharField()
    rejection_reason = serializers.CharField()


class AggregateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewAggregate"

    subject_key = serializers.CharField()
    review_count = serializers.IntegerField()
    average = serializers.SerializerMethodField(help_text="One decimal, as a string; null: none.")
    distribution = serializers.SerializerMethodField(help_text='Reviews per rating, "1" to "5".')

    def get_average(self, aggregate) -> str | None:
        if not aggregate.review_count:
            return None
        return f"{aggregate.rating_total / aggregate.review_count:.1f}"

    def get_distribution(self, aggregate) -> dict[str, int]:
        return {str(n): getattr(aggregate, f"count_{n}") for n in range(1, 6)}


def _aggregate_data(subject_key: str) -> dict:
    aggregate = review_aggregate(subject_key=subject_key)
    if aggregate is None:
        return {"subject_key": subject_key, "review_count": 0, "average": None,
                "distribution": {str(n): 0 for n in range(1, 6)}}  # fmt: skip
    return AggregateSerializer(aggregate).data


class ReviewInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewInput"

    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    airline = serializers.CharField(max_length=3, required=False, default="")
    origin = serializers.CharField(max_length=3, required=False, default="")
    destination = serializers.CharField(max_length=3, required=False, default="")
    subject_name = serializers.CharField(max_length=200, required=False, default="")
    booking_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="A completed booking: the review is verified."
    )
    travel_date = serializers.DateField(required=False, allow_null=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comfort = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    service = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    value = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    punctuality = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    title = serializers.CharField(max_length=120)
    text = serializers.CharField()
    language = serializers.CharField(max_length=8, required=False, default="en")
    images = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=f"Up to {REVIEW_IMAGES_MAX} JPEG, PNG or WebP photos of at most 5 MB each.",
    )

    def to_service(self, data: dict) -> dict:
        values = {key: value for key, value in data.items() if key != "airline"}
        return values | {
            "airline_code": data["airline"].upper(),
            "origin": data["origin"].upper(),
            "destination": data["destination"].upper(),
        }


class ReviewUpdateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewUpdate"

    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    comfort = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    service = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    value = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    punctuality = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    title = serializers.CharField(max_length=120, required=False)
    text = serializers.CharField(required=False)


class ReportInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewReportInput"

    reason = serializers.ChoiceField(choices=ContentReport.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ResponseInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewResponseInput"

    text = serializers.CharField()


class HelpfulSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewHelpful"

    voted = serializers.BooleanField(help_text="Whether the customer now finds it helpful.")
    helpful_count = serializers.IntegerField()


class ReviewPageSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReviewPage"

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    aggregate = AggregateSerializer()
    results = ReviewSerializer(many=True)


def _published(review_id: int) -> Review:
    review = reviews_published().filter(pk=review_id).first()
    if review is None:
        raise Http404
    return review


class ReviewsApi(APIView):
    """The published reviews of one subject with its rating summary (anyone), and writing a
    review (a signed-in customer; multipart with `images`)."""

    pagination_class = Pagination
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="v1_reviews_list",
        parameters=[
            OpenApiParameter(
                "subject",
                OpenApiTypes.STR,
                required=True,
                description='A subject key, e.g. "flight:EK:DXB-LHR".',
            ),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=SORTS, description="Default newest."),
            OpenApiParameter("rating", OpenApiTypes.INT, description="Only this rating (1-5)."),
        ],  # fmt: skip
        responses={200: ReviewPageSerializer, 400: INVALID},
    )
    def get(self, request):
        subject = request.query_params.get("subject", "")
        sort = request.query_params.get("sort") or "newest"
        rating = request.query_params.get("rating") or None
        problems = {}
        if not subject:
            problems["subject"] = ["Give a subject, such as flight:EK:DXB-LHR."]
        if sort not in SORTS:
            problems["sort"] = ["One of " + ", ".join(SORTS) + "."]
        if rating is not None and rating not in {"1", "2", "3", "4", "5"}:
            problems["rating"] = ["A whole number from 1 to 5."]
        if problems:
            raise serializers.ValidationError(problems)
        reviews = reviews_published(
            subject_key=subject, sort=sort, rating=int(rating) if rating else None
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reviews, request, view=self)
        response = paginator.get_paginated_response(ReviewSerializer(page, many=True).data)
        response.data["aggregate"] = _aggregate_data(subject)
        return response

    @extend_schema(
        request={"multipart/form-data": ReviewInputSerializer,
                 "application/json": ReviewInputSerializer},
        responses={201: MyReviewSerializer, 400: INVALID},
    )  # fmt: skip
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = request.data
        if hasattr(data, "getlist"):
            # A form: one value a field (an empty one is "not given"), and every file of `images`.
            data = {key: data.get(key) for key in data if key != "images" and data.get(key) != ""}
            data["images"] = request.FILES.getlist("images")
        values = validated(ReviewInputSerializer, data)
        try:
            review = review_create(customer=customer, **ReviewInputSerializer().to_service(values))
        except ApplicationError as error:
            # The service's "airline_code" is this API's "airline".
            extra = {("airline" if k == "airline_code" else k): v for k, v in error.extra.items()}
            raise ApplicationError(error.message, extra) from None
        return Response(MyReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewDetailApi(APIView):
    """One published review (anyone; its author also sees their own held or rejected one);
    PATCH and DELETE the customer's own."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="v1_reviews_retrieve_one",
        responses={200: ReviewSerializer, 404: NOT_FOUND},
        description="A published review. Its signed-in author gets it whatever its status "
        "(held, rejected), with status, held_reason and rejection_reason as in MyReview.",
    )
    def get(self, request, review_id: int):
        review = reviews_published().filter(pk=review_id).first()
        if review is not None:
            if review.customer.user_id == request.user.pk:
                return Response(MyReviewSerializer(review).data)
            return Response(ReviewSerializer(review).data)
        if not request.user.is_authenticated:
            raise Http404
        try:
            own = review_get_own(customer=customer_for_user(user=request.user), review_id=review_id)
        except ReviewNotFound:
            raise Http404 from None
        return Response(MyReviewSerializer(own).data)

    @extend_schema(
        request=ReviewUpdateSerializer,
        responses={200: MyReviewSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, review_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(ReviewUpdateSerializer, request.data)
        try:
            review = review_update(customer=customer, review_id=review_id, **data)
        except ReviewNotFound:
            raise Http404 from None
        return Response(MyReviewSerializer(review).data)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, review_id: int):
        try:
            review_delete(customer=customer_for_user(user=request.user), review_id=review_id)
        except ReviewNotFound:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewHelpfulApi(APIView):
    """POST: the customer finds the review helpful; DELETE: takes that back. Both answer the
    customer's vote and the review's count; repeating one changes nothing."""

    def _set(self, request, review_id: int, want: bool) -> Response:
        customer = customer_for_user(user=request.user)
        try:
            # Decided with the review's row locked: concurrent requests all end as asked.
            voted, count = review_vote_set(customer=customer, review_id=review_id, voted=want)
        except ReviewNotFound:
            raise Http404 from None
        return Response(HelpfulSerializer({"voted": voted, "helpful_count": count}).data)

    @extend_schema(request=None, responses={200: HelpfulSerializer, 400: INVALID, 404: NOT_FOUND})
    def post(self, request, review_id: int):
        return self._set(request, review_id, True)

    @extend_schema(request=None, responses={200: HelpfulSerializer, 404: NOT_FOUND})
    def delete(self, request, review_id: int):
        return self._set(request, review_id, False)


class ReviewReportApi(APIView):
    """Report a published review to staff (once per customer)."""

    @extend_schema(
        request=ReportInputSerializer,
        responses={201: OpenApiResponse(description="Reported."), 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, review_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(ReportInputSerializer, request.data)
        review = _published(review_id)
        try:
            report = content_report(customer=customer, review_id=review.pk, **data)
        except ReviewNotFound:
            raise Http404 from None
        return Response({"id": report.pk, "reason": report.reason}, status=status.HTTP_201_CREATED)


class ReviewResponseApi(APIView):
    """The company's answer to a review, once (staff only)."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        request=ResponseInputSerializer,
        responses={201: ReviewResponseSerializer, 400: INVALID, 403: OpenApiResponse(
            ApiErrorSerializer, description="Staff only."), 404: NOT_FOUND},
    )  # fmt: skip
    def post(self, request, review_id: int):
        data = validated(ResponseInputSerializer, request.data)
        get_object_or_404(Review, pk=review_id)
        try:
            response = review_respond(
                staff_user=request.user, review_id=review_id, text=data["text"]
            )
        except ReviewNotFound:
            raise Http404 from None
        return Response(ReviewResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class MyReviewsApi(APIView):
    """The customer's reviews, with where each one stands."""

    pagination_class = Pagination

    @extend_schema(responses=MyReviewSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            reviews_of_customer(customer=customer), request, view=self
        )
        return paginator.get_paginated_response(MyReviewSerializer(page, many=True).data)


class AirlineSummaryApi(APIView):
    """An airline's rating summary over all its routes."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: AggregateSerializer, 404: NOT_FOUND})
    def get(self, request, code: str):
        airline = get_object_or_404(Airline, iata_code=code.upper())
        return Response(_aggregate_data(airline_subject_key(airline.iata_code)))


urlpatterns = [
    path("reviews/", ReviewsApi.as_view(), name="reviews"),
    path("reviews/mine/", MyReviewsApi.as_view(), name="reviews-mine"),
    path(
        "reviews/airlines/<str:code>/summary/",
        AirlineSummaryApi.as_view(),
        name="reviews-airline-summary",
    ),
    path("reviews/<int:review_id>/", ReviewDetailApi.as_view(), name="review"),
    path("reviews/<int:review_id>/helpful/", ReviewHelpfulApi.as_view(), name="review-helpful"),
    path("reviews/<int:review_id>/report/", ReviewReportApi.as_view(), name="review-report"),
    path("reviews/<int:review_id>/response/", ReviewResponseApi.as_view(), name="review-response"),
]
