from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The User model (email login) and the glue to django-allauth and django-axes."""

    name = "accounts"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
