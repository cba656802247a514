from django.apps import AppConfig


class BookingsConfig(AppConfig):
    """Offers, bookings, passengers and tickets (the travel-core issue fills this app)."""

    name = "bookings"
