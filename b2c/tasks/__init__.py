# Celery's autodiscovery imports `b2c.tasks`; each area's tasks are registered from here.
from b2c.tasks import alerts, loyalty, newsletter, support, travel_alerts  # noqa: F401
