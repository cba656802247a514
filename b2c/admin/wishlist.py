"""Staff views of wishlists and favourites: read-mostly. Customers make and change them; staff
look them up (by the customer's email) and may delete one, never edit it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from b2c.models import FavoriteAirline, FavoriteDestination, Wishlist, WishlistItem


class ReadMostlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("customer"), ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email


class WishlistItemInline(admin.TabularInline):
    model = WishlistItem
    extra = 0
    fields = (
        "origin", "destination", "departure_date", "return_date", "cabin", "adults", "children",
        "infants", "saved_price", "currency", "price_alert", "notes",
    )  # fmt: skip
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Wishlist)
class WishlistAdmin(ReadMostlyAdmin):
    list_display = ("name", "customer_email", "is_shared", "updated_at")
    list_filter = ("is_shared",)
    search_fields = ("customer__user__email", "name")
    list_select_related = ("customer__user",)
    fields = ("customer", "name", "is_shared", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [WishlistItemInline]


@admin.register(WishlistItem)
class WishlistItemAdmin(ReadMostlyAdmin):
    list_display = (
        "__str__", "wishlist", "item_customer", "cabin", "saved_price", "currency", "created_at"
    )  # fmt: skip
    list_filter = ("cabin", "currency")
    search_fields = (
        "wishlist__customer__user__email",
        "origin__iata_code",
        "destination__iata_code",
    )
    list_select_related = ("wishlist__customer__user",)
    readonly_fields = (
        "wishlist", "origin", "destination", "departure_date", "return_date", "cabin", "adults",
        "children", "infants", "saved_price", "currency", "price_alert", "notes", "created_at",
        "updated_at",
    )  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("customer"), ordering="wishlist__customer__user__email")
    def item_customer(self, obj):
        return obj.wishlist.customer.user.email


@admin.register(FavoriteDestination)
class FavoriteDestinationAdmin(ReadMostlyAdmin):
    list_display = ("airport", "customer_email", "notes", "created_at")
    search_fields = ("customer__user__email", "airport__iata_code", "airport__city")
    list_select_related = ("customer__user", "airport")
    fields = ("customer", "airport", "notes", "created_at", "updated_at")
    readonly_fields = fields


@admin.register(FavoriteAirline)
class FavoriteAirlineAdmin(ReadMostlyAdmin):
    list_display = ("airline", "customer_email", "score", "updated_at")
    list_filter = ("score",)
    search_fields = ("customer__user__email", "airline__iata_code", "airline__name")
    list_select_related = ("customer__user", "airline")
    fields = ("customer", "airline", "score", "created_at", "updated_at")
    readonly_fields = fields
