"""What the benchmarks share: psql, and a database of their own, created afresh."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit


def psql(database_url: str, sql: str, database: str | None = None) -> str:
    parts = urlsplit(database_url)
    target = database or parts.path.lstrip("/")
    command = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    command += ["-U", parts.username or "postgres"]
    result = subprocess.run([*command, "-d", target, "-tAc", sql], check=True, capture_output=True, text=True)
    return result.stdout.strip()


def recreate_database(database_url: str) -> None:
    """Drop and create the database: only one whose name says it is a benchmark's."""
    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"DATABASE_URL names {name!r}: a benchmark drops its database, so give it one named *bench*.")
    psql(database_url, f'DROP DATABASE IF EXISTS "{name}"', database="postgres")
    psql(database_url, f'CREATE DATABASE "{name}"', database="postgres")
