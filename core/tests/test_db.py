"""core.db: the intake's statements really are prepared on the server, with one plan for all values."""

from __future__ import annotations

from unittest import skipUnless

from django.db import connection
from django.test import TestCase

from core.db import fetch_prepared

ONE_PLAN_SQL = "SELECT %s::int + 1"


@skipUnless(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")
class PreparedStatementTests(TestCase):
    def prepared(self) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %s",
                [ONE_PLAN_SQL.replace("%s", "$1")],
            )
            return cursor.fetchall()

    def test_a_statement_is_prepared_once_and_planned_once(self):
        # Django turns psycopg's preparing off by default: without the settings, prepare=True did
        # nothing and every submission was parsed and planned again.
        for value in range(10):
            self.assertEqual(fetch_prepared(ONE_PLAN_SQL, [value]), [(value + 1,)])
        self.assertEqual(self.prepared(), [(10, 0)])

    def test_django_queries_are_not_prepared(self):
        with connection.cursor() as cursor:
            for _ in range(10):
                cursor.execute("SELECT 41 + 1")
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%41 + 1%"])
            self.assertEqual(cursor.fetchone(), (0,))
