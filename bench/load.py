"""The search page and API under load: gunicorn on loopback, wrk as the load generator, beside a
minimal Django view doing one indexed query on the same server, interleaved (A B C A B C ...).

Uses its own PostgreSQL database (safar_bench), filled by seed_demo, and drops it afterwards.
"""

import datetime as dt
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DAYS = os.environ.get("BENCH_LOAD_DAYS", "14")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DURATION = os.environ.get("BENCH_LOAD_SECONDS", "10")
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "safar_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def wrk(url: str) -> tuple[float, int]:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(errors.group(1)) if errors else 0


def redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def gunicorn(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip


def main():
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "EMAIL_URL": "consolemail://",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "600",
        # The cache (search answers, throttles) in Redis, as in production, when it runs here.
        "REDIS_URL": REDIS_URL if redis_up() else "",
    }
    servers: list[subprocess.Popen] = []
    cache_kind = "Redis" if env["REDIS_URL"] else "process memory"
    if env["REDIS_URL"]:
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # its own database: nothing from before
    try:
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
        )
        subprocess.run(
            [*manage, "seed_demo", "--force", "--days", DAYS], env=env, check=True, cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:5432/{DATABASE}", autocommit=True
        ) as db:
            db.execute("ANALYZE")  # fresh statistics after the bulk load, as autovacuum would
        # Two servers alike but for the search cache: the same search again and again (what the
        # cache answers) and every search computed and rendered anew (cache off).
        servers = [gunicorn(env, PORT), gunicorn({**env, "SEARCH_CACHE_SECONDS": "0"}, PORT + 1)]
        base, uncached = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
        for url in (base, uncached):
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{url}/__bench__/one-query/", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
        day = (dt.date.today() + dt.timedelta(days=5)).isoformat()
        query = f"origin=DXB&destination=LHR&departure_date={day}"
        targets = [
            ("minimal view, one indexed query (baseline)", f"{base}/__bench__/one-query/"),
            ("/search/ page DXB→LHR, visitor", f"{base}/search/?{query}"),
            ("/api/v1/flights/search/ DXB→LHR", f"{base}/api/v1/flights/search/?{query}"),
            ("/search/ page, search cache off", f"{uncached}/search/?{query}"),
            ("/api/v1/flights/search/, search cache off",
             f"{uncached}/api/v1/flights/search/?{query}"),
        ]  # fmt: skip
        for _name, url in targets:
            urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 - warm up
        rates = {name: [] for name, _ in targets}
        failures = {name: 0 for name, _ in targets}
        for _ in range(ROUNDS):
            for name, url in targets:
                rate, errors = wrk(url)
                rates[name].append(rate)
                failures[name] += errors
        baseline = statistics.median(rates[targets[0][0]])
        print(f"gunicorn, 2 sync workers, PostgreSQL, cache in {cache_kind}; wrk -t2 -c16 "
              f"{DURATION} s, {ROUNDS} interleaved rounds, medians; schedule of {DAYS} days. "
              "The cache-off server is the same but for SEARCH_CACHE_SECONDS=0.")  # fmt: skip
        print()
        print("| target | requests/s | × baseline | non-2xx |")
        print("|---|---:|---:|---:|")
        for name, _ in targets:
            rate = statistics.median(rates[name])
            print(f"| {name} | {rate:,.0f} | {rate / baseline:.2f} | {failures[name]} |")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    sys.exit(main())
