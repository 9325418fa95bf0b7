"""/readyz also waits for the migrations (a node started before `migrate` must not get traffic)."""

from unittest import mock

from django.test import TestCase

from core import views


class ReadinessMigrationTests(TestCase):
    def setUp(self):
        patcher = mock.patch.object(views, "_migrations_applied", False)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_ready_when_every_migration_is_applied(self):
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
