from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """The payment gateway interface, payments and refunds (filled by the travel-core issue)."""

    name = "payments"
