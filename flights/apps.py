from django.apps import AppConfig


class FlightsConfig(AppConfig):
    """Airports, airlines, flights and fares; the supplier interface and search."""

    name = "flights"

    def ready(self) -> None:
        from flights import signals  # noqa: F401 (connects the receivers)
