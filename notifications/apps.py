from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails (sent by Celery tasks); in-app notifications and preferences come with alerts."""

    name = "notifications"
