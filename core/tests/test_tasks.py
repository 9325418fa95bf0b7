"""Background tasks are as durable as the rows that cause them.

- a task enqueued in a transaction that rolls back never runs;
- a committed task runs when a worker runs (``manage.py db_worker``);
- a task enqueued while no worker runs is done once a worker starts: proved with a real worker
  process, against PostgreSQL (the test database) and against a file-based SQLite database.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import SimpleTestCase, TransactionTestCase
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from core.tasks import send_email

WORKER_TIMEOUT = 60  # seconds: generous, a loaded CI machine may take a while to start Python
_SIGNALS = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])


class Rollback(Exception):
    pass


@contextmanager
def own_signal_handlers():
    """db_worker installs its own SIGINT/SIGTERM handlers: give pytest its own back afterwards."""
    saved = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def run_worker_batch() -> None:
    """Run ``manage.py db_worker --batch`` in this process: every ready task, then exit."""
    with own_signal_handlers():
        call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, stdout=StringIO())


def enqueue_email(to: str = "someone@example.org"):
    return send_email.enqueue(subject="Your report was received", body="Reference AB12", to=[to])


def worker_command(*extra: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--queue-name=*",
        "--interval=0.2",
        "--no-startup-delay",
        "--no-reload",
        *extra,
    ]


def subprocess_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="sicnet.settings",
        DEBUG="1",
        SICNET_DEMO="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    return env


def start_worker(env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        worker_command(*extra),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # the worker's graceful shutdown
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    output, _ = worker.communicate()
    return output or ""


def wait_for(predicate, timeout: float = WORKER_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


class ConfigurationTests(SimpleTestCase):
    def test_the_default_backend_is_the_database(self):
        # Otherwise every test below would prove nothing about durability.
        self.assertIsInstance(task_backends["default"], DatabaseBackend)
        self.assertIsInstance(send_email.get_backend(), DatabaseBackend)


class TransactionalEnqueueTests(TransactionTestCase):
    """Real commits and rollbacks (no test-case transaction around them)."""

    def test_a_task_enqueued_in_a_transaction_that_rolls_back_never_runs(self):
        with suppress(Rollback), transaction.atomic():
            result = enqueue_email()
            # The task row is written in the caller's transaction...
            self.assertTrue(DBTaskResult.objects.filter(pk=result.id).exists())
            raise Rollback
        # ...so it goes with it.
        self.assertFalse(DBTaskResult.objects.exists())
        run_worker_batch()
        self.assertEqual(mail.outbox, [])
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_committed_task_runs_when_the_worker_runs(self):
        with transaction.atomic():
            result = enqueue_email("parent@example.org")
        row = DBTaskResult.objects.get(pk=result.id)
        self.assertEqual(row.status, TaskResultStatus.READY)
        self.assertEqual(mail.outbox, [])  # nothing runs before a worker does

        run_worker_batch()

        row.refresh_from_db()
        self.assertEqual(row.status, TaskResultStatus.SUCCESSFUL, row.traceback)
        self.assertEqual(row.return_value, 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["parent@example.org"])
        self.assertEqual(mail.outbox[0].subject, "Your report was received")
        result.refresh()
        self.assertEqual(result.status, TaskResultStatus.SUCCESSFUL)

    def test_a_failing_task_is_kept_as_failed_with_its_traceback(self):
        with self.settings(EMAIL_BACKEND="core.tests.test_tasks.BrokenEmailBackend"):
            result = enqueue_email()
            run_worker_batch()
        row = DBTaskResult.objects.get(pk=result.id)
        self.assertEqual(row.status, TaskResultStatus.FAILED)
        self.assertIn("mail server is down", row.traceback)


class BrokenEmailBackend:
    """An email backend whose server is always down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server is down")


class WorkerProcessOnPostgresTests(TransactionTestCase):
    """A task queued while no worker runs is done by a worker process started afterwards."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest(
                "needs PostgreSQL: the SQLite test database lives in memory, where a worker process cannot "
                "see it (WorkerProcessOnSqliteFileTests covers SQLite with a database file). Run with "
                "DATABASE_URL=postgres://... to include this test."
            )

    def database_url(self) -> str:
        s = connection.settings_dict
        credentials = quote(s["USER"] or "", safe="")
        if s["PASSWORD"]:
            credentials += ":" + quote(s["PASSWORD"], safe="")
        host = s["HOST"] or "localhost"
        port = f":{s['PORT']}" if s["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{quote(s['NAME'], safe='')}"

    def test_a_task_queued_while_no_worker_runs_is_done_once_a_worker_starts(self):
        result = enqueue_email()  # committed: this test case has no surrounding transaction
        time.sleep(0.5)
        self.assertEqual(DBTaskResult.objects.get(pk=result.id).status, TaskResultStatus.READY)

        worker = start_worker(subprocess_env(self.database_url()), "--worker-id=pg-test-worker")
        try:
            done = wait_for(
                lambda: (
                    DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
                    or worker.poll() is not None
                )
            )
        finally:
            output = stop_worker(worker)
        row = DBTaskResult.objects.get(pk=result.id)
        self.assertTrue(done, f"the worker did not finish the task in time:\n{output}")
        self.assertEqual(row.status, TaskResultStatus.SUCCESSFUL, f"{row.traceback}\n{output}")
        self.assertEqual(row.return_value, 1)
        self.assertEqual(row.worker_ids, ["pg-test-worker"])


class WorkerProcessOnSqliteFileTests(SimpleTestCase):
    """The same, on a file-based SQLite database (the demo's), driven entirely by processes."""

    def manage(self, env, *args: str) -> str:
        completed = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
        )
        self.assertEqual(completed.returncode, 0, completed.stdout + completed.stderr)
        return completed.stdout

    def test_a_task_queued_while_no_worker_runs_is_done_once_a_worker_starts(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "tasks.sqlite3"
            env = subprocess_env(f"sqlite:///{path}")
            self.manage(env, "migrate", "--no-input", "-v0")
            task_id = self.manage(
                env,
                "shell",
                "-v0",
                "-c",
                "from core.tasks import send_email; "
                "print(send_email.enqueue(subject='s', body='b', to=['x@example.org']).id)",
            ).split()[-1]

            def status():
                with sqlite3.connect(path, timeout=10) as db:
                    row = db.execute(
                        f"SELECT status FROM {DBTaskResult._meta.db_table} WHERE id = ?",  # noqa: S608
                        [task_id.replace("-", "")],
                    ).fetchone()
                return row[0] if row else None

            time.sleep(0.5)
            self.assertEqual(status(), TaskResultStatus.READY)  # no worker yet: it waits

            worker = start_worker(env)
            try:
                done = wait_for(lambda: status() == TaskResultStatus.SUCCESSFUL or worker.poll() is not None)
            finally:
                output = stop_worker(worker)
            self.assertTrue(done, f"the worker did not finish the task in time:\n{output}")
            self.assertEqual(status(), TaskResultStatus.SUCCESSFUL, output)
