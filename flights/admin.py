from django.contrib import admin

from flights.models import Airline, Airport, Fare, Flight


@admin.register(Airline)
class AirlineAdmin(admin.ModelAdmin):
    list_display = ("iata_code", "icao_code", "name", "country", "is_active")
    list_filter = ("is_active", "country")
    search_fields = ("iata_code", "icao_code", "name")
    ordering = ("iata_code",)


@admin.register(Airport)
class AirportAdmin(admin.ModelAdmin):
    list_display = ("iata_code", "name", "city", "country", "time_zone")
    list_filter = ("country",)
    search_fields = ("iata_code", "icao_code", "name", "city")
    ordering = ("iata_code",)


class FareInline(admin.TabularInline):
    model = Fare
    extra = 0
    fields = ("cabin", "brand", "base_fare", "taxes", "currency", "seats_available", "refundable")


@admin.register(Flight)
class FlightAdmin(admin.ModelAdmin):
    list_display = (
        "designator",
        "origin",
        "destination",
        "departure_at",
        "arrival_at",
        "aircraft",
        "status",
    )
    list_filter = ("status", "airline", "departure_at")
    search_fields = ("number", "airline__iata_code", "origin__iata_code", "destination__iata_code")
    list_select_related = ("airline", "origin", "destination")
    raw_id_fields = ("origin", "destination")
    date_hierarchy = "departure_at"
    inlines = [FareInline]

    @admin.display(description="flight", ordering="number")
    def designator(self, obj):
        return obj.designator


@admin.register(Fare)
class FareAdmin(admin.ModelAdmin):
    list_display = ("flight", "cabin", "brand", "base_fare", "taxes", "currency", "seats_available")
    list_filter = ("cabin", "brand", "refundable")
    search_fields = ("flight__number", "flight__airline__iata_code", "brand")
    list_select_related = ("flight__airline",)
    raw_id_fields = ("flight",)
