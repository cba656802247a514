"""API of the customer area: the signed-in user, their customer record, profile and companions."""

from django.urls import path
from django.utils.functional import cached_property
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from b2c.models import Customer, CustomerProfile, FrequentFlyerNumber, TravelCompanion
from b2c.models.customer import normalise_document_number, passport_number_validator
from b2c.selectors import customer as customer_selectors
from b2c.services import customer as customer_services
from flights.models import Airline


class DocumentNumberSerializerField(serializers.CharField):
    """Accepts a number typed with spaces or in lower case, as the forms do."""

    def to_internal_value(self, data):
        return normalise_document_number(super().to_internal_value(data))


def passport_number_field():
    return DocumentNumberSerializerField(
        max_length=9, required=False, allow_blank=True, validators=[passport_number_validator]
    )


class MeApi(APIView):
    """The signed-in user's account: email (read-only here) and name."""

    class UserSerializer(serializers.Serializer):
        id = serializers.IntegerField(read_only=True)
        email = serializers.EmailField(read_only=True)
        first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(self.UserSerializer(request.user).data)

    @extend_schema(request=UserSerializer, responses=UserSerializer)
    def patch(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        serializer = self.UserSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer_services.customer_update(customer=customer, user_fields=serializer.validated_data)
        return Response(self.UserSerializer(customer.user).data)


class CustomerApi(APIView):
    """The signed-in customer's preferences: type, language, currency, phone, consent."""

    class CustomerSerializer(serializers.ModelSerializer):
        phone = PhoneNumberField(required=False, allow_blank=True)

        class Meta:
            model = Customer
            fields = [
                "id",
                "customer_type",
                "company_name",
                "loyalty_tier",
                "preferred_language",
                "preferred_currency",
                "phone",
                "marketing_consent",
                "marketing_consent_at",
                "created_at",
            ]
            read_only_fields = ["id", "loyalty_tier", "marketing_consent_at", "created_at"]

    @extend_schema(responses=CustomerSerializer)
    def get(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        return Response(self.CustomerSerializer(customer).data)

    @extend_schema(request=CustomerSerializer, responses=CustomerSerializer)
    def patch(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        serializer = self.CustomerSerializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer_services.customer_update(
            customer=customer, customer_fields=serializer.validated_data
        )
        return Response(self.CustomerSerializer(customer).data)


class ProfileApi(APIView):
    """The customer's personal details, travel document, emergency contact and address."""

    class ProfileSerializer(serializers.ModelSerializer):
        nationality = CountryField(required=False, allow_blank=True)
        passport_country = CountryField(required=False, allow_blank=True)
        country = CountryField(required=False, allow_blank=True)
        emergency_contact_phone = PhoneNumberField(required=False, allow_blank=True)
        passport_number = passport_number_field()

        class Meta:
            model = CustomerProfile
            fields = sorted(customer_services.PROFILE_EDITABLE_FIELDS) + ["updated_at"]
            read_only_fields = ["updated_at"]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        return Response(self.ProfileSerializer(customer.profile).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        serializer = self.ProfileSerializer(customer.profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = customer_services.customer_profile_update(
            customer=customer, fields=serializer.validated_data
        )
        return Response(self.ProfileSerializer(profile).data)


class FrequentFlyerNumberSerializer(serializers.ModelSerializer):
    airline = serializers.SlugRelatedField(
        slug_field="iata_code", queryset=Airline.objects.filter(is_active=True)
    )
    companion = serializers.PrimaryKeyRelatedField(
        queryset=TravelCompanion.objects.none(), required=False, allow_null=True
    )
    number = DocumentNumberSerializerField(max_length=20)

    class Meta:
        model = FrequentFlyerNumber
        fields = ["id", "airline", "number", "companion", "created_at"]
        read_only_fields = ["id", "created_at"]
        # The one-per-airline rules are conditional constraints that the service checks with
        # a readable message; DRF's generated validator would make `companion` required.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.context.get("customer")
        if customer is not None:
            # Only the customer's own companions can be named; any other id is "does not exist".
            self.fields["companion"].queryset = customer_selectors.travel_companion_list(
                customer=customer
            )


class TravelCompanionSerializer(serializers.ModelSerializer):
    nationality = CountryField(required=False, allow_blank=True)
    passport_country = CountryField(required=False, allow_blank=True)
    passport_number = passport_number_field()
    frequent_flyer_numbers = serializers.SerializerMethodField()

    class Meta:
        model = TravelCompanion
        fields = [
            "id",
            *sorted(customer_services.COMPANION_EDITABLE_FIELDS),
            "frequent_flyer_numbers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"date_of_birth": {"required": True, "allow_null": False}}

    def get_frequent_flyer_numbers(self, obj) -> list[str]:
        return [str(n) for n in obj.frequent_flyer_numbers.all()]


class TravelCompanionViewSet(viewsets.ModelViewSet):
    """The customer's travel companions. Another customer's companion id is a 404."""

    serializer_class = TravelCompanionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return TravelCompanion.objects.none()
        customer = customer_selectors.customer_for_user(user=self.request.user)
        return customer_selectors.travel_companion_list(
            customer=customer, with_frequent_flyer_numbers=True
        ).order_by("id")

    def perform_create(self, serializer):
        customer = customer_selectors.customer_for_user(user=self.request.user)
        serializer.instance = customer_services.travel_companion_create(
            customer=customer, fields=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = customer_services.travel_companion_update(
            companion=serializer.instance, fields=serializer.validated_data
        )

    def perform_destroy(self, instance):
        customer_services.travel_companion_delete(companion=instance)


class FrequentFlyerNumberViewSet(
    viewsets.mixins.ListModelMixin,
    viewsets.mixins.CreateModelMixin,
    viewsets.mixins.RetrieveModelMixin,
    viewsets.mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Frequent-flyer numbers of the customer and their companions."""

    serializer_class = FrequentFlyerNumberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FrequentFlyerNumber.objects.none()
        return customer_selectors.frequent_flyer_number_list(customer=self.customer).order_by("id")

    @cached_property
    def customer(self):
        return customer_selectors.customer_for_user(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["customer"] = self.customer
        return context

    def perform_create(self, serializer):
        serializer.instance = customer_services.frequent_flyer_number_add(
            customer=self.customer, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        customer_services.frequent_flyer_number_delete(entry=instance)


class DataExportApi(APIView):
    """Everything Safar holds about the signed-in customer (logged for staff)."""

    @extend_schema(request=None, responses={200: dict})
    def post(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        data = customer_services.customer_data_export_record(customer=customer, request=request)
        return Response(data, status=status.HTTP_200_OK)


router = SimpleRouter()
router.register("customer/companions", TravelCompanionViewSet, basename="companion")
router.register(
    "customer/frequent-flyer-numbers", FrequentFlyerNumberViewSet, basename="frequent-flyer-number"
)

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("customer/", CustomerApi.as_view(), name="customer"),
    path("customer/profile/", ProfileApi.as_view(), name="profile"),
    path("customer/export/", DataExportApi.as_view(), name="export"),
    *router.urls,
]
