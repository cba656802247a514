from django.apps import AppConfig


class FlightsConfig(AppConfig):
    """Airlines now; airports, flights, fares and search come with the travel-core issue."""

    name = "flights"
