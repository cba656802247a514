from django.apps import AppConfig


class B2CConfig(AppConfig):
    """The customer-facing areas of the product brief: customer, loyalty, wallet, and the rest."""

    name = "b2c"
    label = "b2c"
    verbose_name = "Safar customers"

    def ready(self) -> None:
        from b2c import signals  # noqa: F401
