"""A real Celery worker for end-to-end tests through Redis (tests marked `redis`).

The worker runs in a thread of the test process (solo pool), consuming from the broker in
REDIS_URL, so a task sent with `.delay()` goes through Redis and back; Django's locmem email
backend (`mail.outbox`) is shared with the test because the worker is in the same process.
Use with `@pytest.mark.django_db(transaction=True)`: the worker's thread has its own database
connection and only sees committed rows.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings


@contextmanager
def real_worker() -> Iterator[None]:
    """Run a worker for the duration of the block, with tasks sent to it (not run eagerly)."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def wait_until(done: Callable[[], bool], *, timeout: float = 30, interval: float = 0.05) -> bool:
    """Poll `done` until it is true or `timeout` seconds have passed; its last answer."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            return done()
        time.sleep(interval)
    return True
