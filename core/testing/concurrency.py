"""Run one action from many threads released at the same moment: PostgreSQL race tests."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection

from core.exceptions import ApplicationError

# PostgreSQL allows 100 connections by default, shared with the test run itself: many attempts
# are sent by at most this many threads at once, each with its own connection.
MAX_THREADS = 40


def race(count: int, action: Callable[[int], Any]) -> tuple[list, list[str]]:
    """Run `action(0..count-1)` from up to MAX_THREADS threads, all starting together.

    Returns (outcomes, errors): what each attempt returned, or the message of the
    ApplicationError it was refused with; and the repr of anything else it raised (a test
    asserts there is none)."""
    workers = min(count, MAX_THREADS)
    start = threading.Barrier(workers)
    outcomes: list = []
    errors: list[str] = []

    def worker(first: int) -> None:
        try:
            start.wait()
            for index in range(first, count, workers):
                try:
                    outcomes.append(action(index))
                except ApplicationError as exc:
                    outcomes.append(exc.message)
                except Exception as exc:  # noqa: BLE001 - reported to the test
                    errors.append(repr(exc))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(worker, range(workers)))
    return outcomes, errors
