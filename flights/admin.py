from django.contrib import admin

from flights.models import Airline


@admin.register(Airline)
class AirlineAdmin(admin.ModelAdmin):
    list_display = ("iata_code", "icao_code", "name", "country", "is_active")
    list_filter = ("is_active", "country")
    search_fields = ("iata_code", "icao_code", "name")
    ordering = ("iata_code",)
