"""Wishlists and favourites API.

Everything is the signed-in customer's own: another customer's wishlist, item or favourite
answers 404, like one that does not exist. A shared wishlist is readable by anyone with its
token (GET /wishlists/shared/<token>/), until it is unshared or its link is reset.

Bad input (unknown airports, past dates, a return before departure, more infants than adults,
a full wishlist, a taken name, a score outside 1 to 5) answers 400 with field errors and
changes nothing.
"""

from functools import partial

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.api.wallet import AmountField
from b2c.models import FavoriteAirline, FavoriteDestination, WishlistItem
from b2c.selectors.customer import customer_for_user
from b2c.selectors.wishlist import (
    favourite_airline_list,
    favourite_destination_list,
    wishlist_get,
    wishlist_item_get,
    wishlist_list,
    wishlist_shared_get,
    wishlist_with_items,
)
from b2c.services.wishlist import (
    MAX_ITEMS,
    MAX_WISHLISTS,
    WishlistNotFound,
    favourite_airline_remove,
    favourite_airline_set,
    favourite_destination_add,
    favourite_destination_remove,
    favourite_destination_update,
    wishlist_create,
    wishlist_delete,
    wishlist_item_add,
    wishlist_item_move,
    wishlist_item_remove,
    wishlist_item_target_set,
    wishlist_rename,
    wishlist_share,
    wishlist_share_link_reset,
    wishlist_unshare,
)
from core.api import ApiErrorSerializer, Pagination, validated
from core.http import not_found_as_404 as core_not_found_as_404
from core.money import SUPPORTED_CURRENCIES
from flights.models import Cabin
from flights.search import MAX_SEATS

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not one of this customer's.")
BAD_INPUT = OpenApiResponse(ApiErrorSerializer, description="Invalid input; nothing changed.")


# A service's "not yours / not there" as a 404.
not_found_as_404 = partial(core_not_found_as_404, WishlistNotFound)


# Output ---------------------------------------------------------------------------------------


class WishlistItemSerializer(serializers.Serializer):
    class Meta:
        ref_name = "WishlistItem"

    id = serializers.IntegerField()
    origin = serializers.CharField(source="origin.iata_code", help_text="IATA airport code.")
    destination = serializers.CharField(source="destination.iata_code")
    departure_date = serializers.DateField()
    return_date = serializers.DateField(allow_null=True, help_text="Empty for one way.")
    cabin = serializers.ChoiceField(choices=Cabin.choices)
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    infants = serializers.IntegerField()
    saved_price = AmountField(
        allow_null=True,
        help_text="The total of the cheapest offer (the whole party) when saved; null when "
        "nothing was on sale.",
    )
    currency = serializers.CharField()
    price_alert = serializers.IntegerField(source="price_alert_id", allow_null=True)
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()


class WishlistSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Wishlist"

    id = serializers.IntegerField()
    name = serializers.CharField()
    is_shared = serializers.BooleanField()
    share_token = serializers.SerializerMethodField(
        help_text="For GET /wishlists/shared/<token>/; null while not shared."
    )
    item_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_share_token(self, wishlist) -> str | None:
        return wishlist.share_token if wishlist.is_shared else None


class WishlistDetailSerializer(WishlistSerializer):
    class Meta:
        ref_name = "WishlistDetail"

    items = WishlistItemSerializer(many=True, source="items.all")


class SharedWishlistSerializer(serializers.Serializer):
    class Meta:
        ref_name = "SharedWishlist"

    name = serializers.CharField()
    items = WishlistItemSerializer(many=True, source="items.all")


class FavouriteDestinationSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FavouriteDestination"

    id = serializers.IntegerField()
    airport = serializers.CharField(source="airport.iata_code", help_text="IATA airport code.")
    city = serializers.CharField(source="airport.city")
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()


class FavouriteAirlineSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FavouriteAirline"

    id = serializers.IntegerField()
    airline = serializers.CharField(source="airline.iata_code", help_text="IATA airline code.")
    name = serializers.CharField(source="airline.name")
    score = serializers.IntegerField(help_text="1 (a little) to 5 (most).")


def _detail(customer, wishlist_id: int):
    wishlist = wishlist_with_items(customer=customer, wishlist_id=wishlist_id)
    wishlist.item_count = len(wishlist.items.all())
    return WishlistDetailSerializer(wishlist).data


# Wishlists ------------------------------------------------------------------------------------


class WishlistNameSerializer(serializers.Serializer):
    class Meta:
        ref_name = "WishlistName"

    name = serializers.CharField(max_length=80, help_text="Unique among the customer's.")


class WishlistsApi(APIView):
    """The customer's wishlists, most recently updated first (GET), and a new one (POST)."""

    pagination_class = Pagination

    @extend_schema(responses=WishlistSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(wishlist_list(customer=customer), request, view=self)
        return paginator.get_paginated_response(WishlistSerializer(page, many=True).data)

    @extend_schema(
        request=WishlistNameSerializer,
        responses={
            201: WishlistDetailSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description=f"A blank or taken name, or already {MAX_WISHLISTS} wishlists.",
            ),
        },
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(WishlistNameSerializer, request.data)
        wishlist = wishlist_create(customer=customer, name=data["name"])
        return Response(_detail(customer, wishlist.pk), status=status.HTTP_201_CREATED)


class WishlistDetailApi(APIView):
    """One wishlist with its trips (GET), renamed (PATCH) or deleted with them (DELETE)."""

    @extend_schema(responses={200: WishlistDetailSerializer, 404: NOT_FOUND})
    def get(self, request, wishlist_id: int):
        return Response(_detail(customer_for_user(user=request.user), wishlist_id))

    @extend_schema(
        request=WishlistNameSerializer,
        responses={200: WishlistDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def patch(self, request, wishlist_id: int):
        customer = customer_for_user(user=request.user)
        wishlist_get(customer=customer, wishlist_id=wishlist_id)
        data = validated(WishlistNameSerializer, request.data)
        with not_found_as_404():
            wishlist_rename(customer=customer, wishlist_id=wishlist_id, name=data["name"])
        return Response(_detail(customer, wishlist_id))

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, wishlist_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            wishlist_delete(customer=customer, wishlist_id=wishlist_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistShareApi(APIView):
    """Share the wishlist by link (POST) or stop sharing it (DELETE: the link stops working)."""

    @extend_schema(request=None, responses={200: WishlistDetailSerializer, 404: NOT_FOUND})
    def post(self, request, wishlist_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            wishlist_share(customer=customer, wishlist_id=wishlist_id)
        return Response(_detail(customer, wishlist_id))

    @extend_schema(responses={200: WishlistDetailSerializer, 404: NOT_FOUND})
    def delete(self, request, wishlist_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            wishlist_unshare(customer=customer, wishlist_id=wishlist_id)
        return Response(_detail(customer, wishlist_id))


class WishlistShareResetApi(APIView):
    """A new share token; the old link stops working."""

    @extend_schema(request=None, responses={200: WishlistDetailSerializer, 404: NOT_FOUND})
    def post(self, request, wishlist_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            wishlist_share_link_reset(customer=customer, wishlist_id=wishlist_id)
        return Response(_detail(customer, wishlist_id))


class SharedWishlistApi(APIView):
    """A shared wishlist, read-only, for anyone with its token; 404 when it is not shared or
    the token was replaced."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(auth=[], responses={200: SharedWishlistSerializer, 404: NOT_FOUND})
    def get(self, request, token: str):
        return Response(SharedWishlistSerializer(wishlist_shared_get(token=token)).data)


# Items ----------------------------------------------------------------------------------------


class WishlistItemsApi(APIView):
    """Put a trip on the wishlist; it remembers the total of the cheapest offer on sale now."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WishlistItemCreate"

        origin = serializers.CharField(max_length=3, help_text="IATA airport code, e.g. DXB.")
        destination = serializers.CharField(max_length=3)
        departure_date = serializers.DateField(help_text="Not in the past at the origin.")
        return_date = serializers.DateField(
            required=False, allow_null=True, default=None, help_text="Omit for one way."
        )
        cabin = serializers.ChoiceField(choices=Cabin.choices, default=Cabin.ECONOMY)
        adults = serializers.IntegerField(min_value=1, max_value=MAX_SEATS, default=1)
        children = serializers.IntegerField(min_value=0, max_value=MAX_SEATS, default=0)
        infants = serializers.IntegerField(
            min_value=0, max_value=MAX_SEATS, default=0, help_text="At most one per adult."
        )
        currency = serializers.CharField(
            max_length=3,
            required=False,
            help_text="ISO 4217, one of " + ", ".join(SUPPORTED_CURRENCIES) + "; the "
            "customer's preferred currency by default.",
        )
        notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={
            201: WishlistItemSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Unknown airports, the same airport twice, a past date, a return "
                f"before departure, more infants than adults, or {MAX_ITEMS} trips already.",
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request, wishlist_id: int):
        customer = customer_for_user(user=request.user)
        wishlist_get(customer=customer, wishlist_id=wishlist_id)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            item = wishlist_item_add(
                customer=customer,
                wishlist_id=wishlist_id,
                origin=data["origin"],
                destination=data["destination"],
                departure_date=data["departure_date"],
                return_date=data["return_date"],
                cabin=data["cabin"],
                adults=data["adults"],
                children=data["children"],
                infants=data["infants"],
                currency=(data.get("currency") or customer.preferred_currency).upper(),
                notes=data["notes"],
            )
        item = WishlistItem.objects.select_related("origin", "destination").get(pk=item.pk)
        return Response(WishlistItemSerializer(item).data, status=status.HTTP_201_CREATED)


class WishlistItemDetailApi(APIView):
    """Take a trip off the wishlist."""

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, wishlist_id: int, item_id: int):
        customer = customer_for_user(user=request.user)
        wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        with not_found_as_404():
            wishlist_item_remove(customer=customer, item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistItemMoveApi(APIView):
    """Move a trip to another of the customer's wishlists."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WishlistItemMove"

        wishlist = serializers.IntegerField(help_text="The id of another of one's wishlists.")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: WishlistItemSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="The target wishlist is full."),
            404: OpenApiResponse(
                ApiErrorSerializer, description="The item or the target wishlist is not yours."
            ),
        },
    )
    def post(self, request, wishlist_id: int, item_id: int):
        customer = customer_for_user(user=request.user)
        wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            item = wishlist_item_move(
                customer=customer, item_id=item_id, wishlist_id=data["wishlist"]
            )
        return Response(WishlistItemSerializer(item).data)


class WishlistItemTargetApi(APIView):
    """A target price for a trip, which makes a price alert (once price alerts are available;
    until then 400)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WishlistItemTarget"

        target_price = serializers.DecimalField(
            max_digits=20,
            decimal_places=None,
            allow_null=True,
            help_text="In the item's currency, more than zero, at most its minor unit's "
            "decimals; null clears it.",
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WishlistItemTargetResult"

        target_price = serializers.CharField(allow_null=True)
        currency = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request, wishlist_id: int, item_id: int):
        customer = customer_for_user(user=request.user)
        item = wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            target = wishlist_item_target_set(
                customer=customer, item_id=item_id, target_price=data["target_price"]
            )
        body = {"target_price": None if target is None else str(target), "currency": item.currency}
        return Response(self.OutputSerializer(body).data)


# Favourites -----------------------------------------------------------------------------------


class FavouriteDestinationsApi(APIView):
    """The customer's favourite destinations (GET), and one more (POST; again: its notes)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FavouriteDestinationCreate"

        airport = serializers.CharField(max_length=3, help_text="IATA airport code.")
        notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(responses=FavouriteDestinationSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        favourites = favourite_destination_list(customer=customer)
        return Response(FavouriteDestinationSerializer(favourites, many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: FavouriteDestinationSerializer, 400: BAD_INPUT}
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        favourite = favourite_destination_add(
            customer=customer, airport_code=data["airport"], notes=data["notes"]
        )
        return Response(
            FavouriteDestinationSerializer(favourite).data, status=status.HTTP_201_CREATED
        )


class FavouriteDestinationDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FavouriteDestinationUpdate"

        notes = serializers.CharField(max_length=300, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: FavouriteDestinationSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def patch(self, request, favourite_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        with not_found_as_404():
            favourite = favourite_destination_update(
                customer=customer, favourite_id=favourite_id, notes=data["notes"]
            )
        favourite = FavoriteDestination.objects.select_related("airport").get(pk=favourite.pk)
        return Response(FavouriteDestinationSerializer(favourite).data)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, favourite_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            favourite_destination_remove(customer=customer, favourite_id=favourite_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FavouriteAirlineInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FavouriteAirlineSet"

    airline = serializers.CharField(max_length=2, help_text="IATA airline code, e.g. EK.")
    score = serializers.IntegerField(min_value=1, max_value=5)


class FavouriteAirlinesApi(APIView):
    """The customer's favourite airlines, highest score first (GET), and an airline's score
    (POST: added, or its score replaced). Among offers of equal price, higher-scored airlines
    come first in the customer's search results."""

    @extend_schema(responses=FavouriteAirlineSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        favourites = favourite_airline_list(customer=customer)
        return Response(FavouriteAirlineSerializer(favourites, many=True).data)

    @extend_schema(
        request=FavouriteAirlineInputSerializer,
        responses={200: FavouriteAirlineSerializer, 400: BAD_INPUT},
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(FavouriteAirlineInputSerializer, request.data)
        favourite = favourite_airline_set(
            customer=customer, airline_code=data["airline"], score=data["score"]
        )
        return Response(FavouriteAirlineSerializer(favourite).data)


class FavouriteAirlineDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FavouriteAirlineScore"

        score = serializers.IntegerField(min_value=1, max_value=5)

    @extend_schema(
        request=InputSerializer,
        responses={200: FavouriteAirlineSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def patch(self, request, favourite_id: int):
        customer = customer_for_user(user=request.user)
        favourite = FavoriteAirline.objects.filter(customer=customer, pk=favourite_id).first()
        if favourite is None:
            raise Http404
        data = validated(self.InputSerializer, request.data)
        favourite = favourite_airline_set(
            customer=customer, airline_code=favourite.airline.iata_code, score=data["score"]
        )
        return Response(FavouriteAirlineSerializer(favourite).data)

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, favourite_id: int):
        customer = customer_for_user(user=request.user)
        with not_found_as_404():
            favourite_airline_remove(customer=customer, favourite_id=favourite_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


W = "wishlists/<int:wishlist_id>/"
I = W + "items/<int:item_id>/"  # noqa: E741

urlpatterns = [
    path("wishlists/", WishlistsApi.as_view(), name="wishlists"),
    path("wishlists/shared/<str:token>/", SharedWishlistApi.as_view(), name="shared"),
    path(W, WishlistDetailApi.as_view(), name="wishlist"),
    path(W + "share/", WishlistShareApi.as_view(), name="share"),
    path(W + "share/reset/", WishlistShareResetApi.as_view(), name="share-reset"),
    path(W + "items/", WishlistItemsApi.as_view(), name="items"),
    path(I, WishlistItemDetailApi.as_view(), name="item"),
    path(I + "move/", WishlistItemMoveApi.as_view(), name="item-move"),
    path(I + "target/", WishlistItemTargetApi.as_view(), name="item-target"),
    path(
        "favourites/destinations/",
        FavouriteDestinationsApi.as_view(),
        name="favourite-destinations",
    ),
    path(
        "favourites/destinations/<int:favourite_id>/",
        FavouriteDestinationDetailApi.as_view(),
        name="favourite-destination",
    ),
    path("favourites/airlines/", FavouriteAirlinesApi.as_view(), name="favourite-airlines"),
    path(
        "favourites/airlines/<int:favourite_id>/",
        FavouriteAirlineDetailApi.as_view(),
        name="favourite-airline",
    ),
]
