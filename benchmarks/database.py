"""The throwaway database every benchmark runs on: the host's settings pointed at a fresh SQLite file or MariaDB."""

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[1] / "var" / "bench"


def fresh_database(db, name):
    """
    Point the host's settings (``lms_host.settings``, DEBUG off, eager Celery) at an empty database called ``name``:
    ``var/bench/<name>.sqlite3`` or the MariaDB database ``perf_mgmt_bench_<name>`` (dropped and created), before
    Django starts.
    """
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms_host.settings"
    os.environ["PERF_MGMT_DEBUG"] = "0"
    os.environ.pop("CELERY_BROKER_URL", None)
    if db == "mysql":
        import MySQLdb  # pylint: disable=import-outside-toplevel

        database = "perf_mgmt_bench" if name == "org" else f"perf_mgmt_bench_{name}"
        os.environ["PERF_MGMT_DB"] = "mysql"
        os.environ["PERF_MGMT_DB_NAME"] = database
        connection = MySQLdb.connect(
            host=os.environ.get("PERF_MGMT_DB_HOST", "127.0.0.1"),
            port=int(os.environ.get("PERF_MGMT_DB_PORT", "3306")),
            user=os.environ.get("PERF_MGMT_DB_USER", "root"),
            passwd=os.environ.get("PERF_MGMT_DB_PASSWORD", ""),
        )
        cursor = connection.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS {database}")
        cursor.execute(f"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        connection.close()
    else:
        os.environ.pop("PERF_MGMT_DB", None)
        path = BENCH_DIR / f"{name}.sqlite3"
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["PERF_MGMT_SQLITE_PATH"] = str(path)
