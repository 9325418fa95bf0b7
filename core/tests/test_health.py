from unittest import mock

from django.db import connection
from django.test import TestCase


class HealthTests(TestCase):
    def test_liveness_answers_without_database(self):
        with mock.patch.object(connection, "cursor", side_effect=AssertionError("no database")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    def test_readiness_checks_the_database(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "ok")

    def test_readiness_fails_when_database_is_down(self):
        with mock.patch.object(connection, "cursor", side_effect=Exception("down")):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
