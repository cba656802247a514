from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: base models, money, errors, API plumbing, health."""

    name = "core"
