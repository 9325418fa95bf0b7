"""core.db: the intake's statements really are prepared on the server, with one plan for all values;
batch inserts write every row as given, whichever columns are sent once."""

from __future__ import annotations

from unittest import skipUnless

from django.db import connection
from django.test import TestCase

from core.db import fetch_prepared, insert_sql
from hotline.models import ReferenceCounter

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


class InsertSqlTests(TestCase):
    fields = [ReferenceCounter._meta.get_field("prefix"), ReferenceCounter._meta.get_field("value")]

    def insert(self, rows: list[list]) -> list[tuple]:
        fetch_prepared(*insert_sql(ReferenceCounter._meta.db_table, self.fields, rows))
        return list(ReferenceCounter.objects.order_by("prefix").values_list("prefix", "value"))

    def test_a_column_with_one_value_for_every_row_is_written_to_every_row(self):
        rows = [["AL-2026", 7], ["MK-2026", 7], ["RS-2026", 7]]
        self.assertEqual(self.insert(rows), [tuple(row) for row in rows])

    def test_rows_that_differ_in_every_column(self):
        rows = [["AL-2026", 1], ["MK-2026", 2], ["RS-2026", 3]]
        self.assertEqual(self.insert(rows), [tuple(row) for row in rows])

    def test_one_row(self):
        self.assertEqual(self.insert([["XK-2026", 4]]), [("XK-2026", 4)])


class QueryLogTests(TestCase):
    def test_a_prepared_statement_counts_like_any_query(self):
        # So assertNumQueries keeps seeing the audit entries and reports that go through it.
        with self.assertNumQueries(2):
            fetch_prepared("SELECT %s + 1", [1])
            fetch_prepared("SELECT %s + 1", [2])
