"""Celery application. Tasks run eagerly without REDIS_URL, on a worker through Redis with it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("safar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
