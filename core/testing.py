"""What every app's tests share without importing an app: the base test case and its canonical
users (the network they work in is built by the function SICNET_TEST_NETWORK names), running the
task worker once, a fixed clock, a column as stored, subscribing to an event for a test and
delivering an event a second time.

The base test case that builds the network for them is ``network.testing.SicnetTestCase``.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils.module_loading import import_string

from core.permissions import Role

TEST_PASSWORD = "correct horse battery staple 42"

CANONICAL_USERS = {
    # name: (centre key, role)
    "al_analyst": ("al", Role.HOTLINE_ANALYST),
    "al_counsellor": ("al", Role.HELPLINE_COUNSELLOR),
    "al_supervisor": ("al", Role.SUPERVISOR),
    "al_manager": ("al", Role.CENTRE_MANAGER),
    "al_auditor": ("al", Role.AUDITOR),
    "mk_analyst": ("mk", Role.HOTLINE_ANALYST),
    "mk_counsellor": ("mk", Role.HELPLINE_COUNSELLOR),
    "mk_manager": ("mk", Role.CENTRE_MANAGER),
    "mk_auditor": ("mk", Role.AUDITOR),
    "coordinator": ("coord", Role.NETWORK_COORDINATOR),
    "state_viewer": ("al_state", Role.STATE_VIEWER),
    "outsider": (None, None),
}


def run_worker() -> None:
    """Run the queued tasks once. The worker would close the test's connection: keep it."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@contextlib.contextmanager
def clock(moment: datetime):
    """Every ``timezone.now()`` answers ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@contextlib.contextmanager
def subscribed(event: str, handler, *, name: str):
    """``handler`` subscribes to ``event`` for the block only."""
    from core import events

    events.subscribe(event, handler, name=name)
    try:
        yield
    finally:
        events.unsubscribe(event, name)


def deliver_again(event) -> bool:
    """Deliver an event once more as if nothing recorded the first delivery (its sealed content is
    erased, as after a real delivery): proves that subscribers are idempotent by themselves.
    Answers whether every subscriber succeeded."""
    from core import events
    from core.models import Event, EventStatus

    event.handled.all().delete()
    Event.objects.filter(pk=event.pk).update(status=EventStatus.PENDING, sealed="")
    return events.deliver(event.pk)


def raw_column(table: str, column: str, pk) -> str:
    """A column as stored, bypassing the field's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])  # noqa: S608
        return cursor.fetchone()[0]


def build_test_network() -> dict:
    """The canonical users' network: built by the function the SICNET_TEST_NETWORK setting names (the
    project wires it, as it wires INSTALLED_APPS), so the test case needs no app."""
    return import_string(settings.SICNET_TEST_NETWORK)()


class SicnetTestCase(TestCase):
    """Every test of a view or endpoint starts from this network and these users."""

    @classmethod
    def setUpTestData(cls):
        cls.network = build_test_network()
        cls.users = cls.network["users"]
        cls.centres = cls.network["centres"]
        for name, user in cls.users.items():
            setattr(cls, name, user)
        cls.al_centre = cls.centres["al"]
        cls.mk_centre = cls.centres["mk"]

    def login_as(self, user) -> None:
        """Sign in without the two-step form (tested on its own in accounts.tests)."""
        self.client.force_login(user, backend="accounts.backends.EmailBackend")
