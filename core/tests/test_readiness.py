"""/readyz also waits for the migrations (a node started before `migrate` must not get traffic),
and reports the apps' registered checks without letting a lagging one take the node out."""

from unittest import mock

from django.db import connection
from django.test import SimpleTestCase, TestCase

from core import readiness, views


class ReadinessMigrationTests(TestCase):
    def setUp(self):
        patcher = mock.patch.object(views, "_migrations_applied", False)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_ready_when_every_migration_is_applied(self):
        with mock.patch.dict(readiness._checks, clear=True):  # no app's check: core's answer alone
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_not_ready_while_migrations_are_pending(self):
        plan = [("a migration", False)]
        with mock.patch.object(views.MigrationExecutor, "migration_plan", return_value=plan):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["migrations"], "pending")
        # Once applied, the answer turns ready and the graph is not loaded again.
        self.assertEqual(self.client.get("/readyz").status_code, 200)
        with mock.patch.object(views, "MigrationExecutor", side_effect=AssertionError("loaded again")):
            self.assertEqual(self.client.get("/readyz").status_code, 200)


def lagging() -> readiness.Check:
    return readiness.Check(readiness.LAGGING, {"waiting": 12, "oldest_seconds": 900})


def fine() -> readiness.Check:
    return readiness.Check(readiness.OK, {"waiting": 0})


class RegisteredChecksTests(TestCase):
    def checks(self, **checks):
        return mock.patch.dict(readiness._checks, checks, clear=True)

    def test_a_lagging_check_is_reported_and_the_node_stays_ready(self):
        with self.checks(**{"app.loop": lagging, "app.other": fine}):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["lagging"], ["app.loop"])
        self.assertEqual(body["checks"]["app.loop"], {"status": "lagging", "waiting": 12, "oldest_seconds": 900})
        self.assertEqual(body["checks"]["app.other"], {"status": "ok", "waiting": 0})

    def test_a_failing_check_is_reported_as_an_error_not_a_503(self):
        def broken():
            raise RuntimeError("table missing")

        with self.checks(**{"app.broken": broken}), self.assertLogs("core.readiness", "ERROR"):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["checks"]["app.broken"], {"status": "error"})
        self.assertEqual(response.json()["lagging"], ["app.broken"])

    def test_checks_do_not_run_when_the_database_is_down(self):
        never = mock.Mock(side_effect=AssertionError("ran"))
        with self.checks(**{"app.loop": never}), mock.patch.object(connection, "cursor", side_effect=Exception):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        never.assert_not_called()


class RegistryTests(SimpleTestCase):
    def test_a_name_registered_twice_by_two_checks_fails(self):
        with mock.patch.dict(readiness._checks, clear=True):
            readiness.register("app.loop", fine)
            readiness.register("app.loop", fine)  # the same check again (ready() run twice) is fine
            with self.assertRaises(ValueError):
                readiness.register("app.loop", lagging)
