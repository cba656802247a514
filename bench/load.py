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


def wrk(url: str) -> tuple[float, int]:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(errors.group(1)) if errors else 0


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
        "REDIS_URL": "",
    }
    server = None
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
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{PORT}", "--no-control-socket", "--log-level", "warning"],
            env=env, cwd=ROOT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/__bench__/one-query/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        day = (dt.date.today() + dt.timedelta(days=5)).isoformat()
        query = f"origin=DXB&destination=LHR&departure_date={day}"
        targets = [
            ("minimal view, one indexed query (baseline)", f"{base}/__bench__/one-query/"),
            ("/search/ page DXB→LHR", f"{base}/search/?{query}"),
            ("/api/v1/flights/search/ DXB→LHR", f"{base}/api/v1/flights/search/?{query}"),
        ]
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
        print(f"gunicorn, 2 sync workers, PostgreSQL; wrk -t2 -c16 {DURATION} s, {ROUNDS} "
              f"interleaved rounds, medians; schedule of {DAYS} days.")  # fmt: skip
        print()
        print("| target | requests/s | × baseline | non-2xx |")
        print("|---|---:|---:|---:|")
        for name, _ in targets:
            rate = statistics.median(rates[name])
            print(f"| {name} | {rate:,.0f} | {rate / baseline:.2f} | {failures[name]} |")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    sys.exit(main())
