from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications, preferences per kind and channel, the outbox, and emails."""

    name = "notifications"
