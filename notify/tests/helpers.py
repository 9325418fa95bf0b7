"""Shared helpers of notify's tests: test events of a pretend app, a local receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.test import override_settings

from core.testing import clock, run_worker  # noqa: F401 - the tests import them from here too
from notify import registry
from notify.actions import notify

SECRET = "s3cret"
PING = "notify_tests.ping"
PONG = "notify_tests.pong"
TARGET = "notify_tests.thing"

# A local receiver listens on http://127.0.0.1: both allowances on, as in development.
LOCAL_RECEIVER = override_settings(NOTIFY_WEBHOOK_ALLOW_HTTP=True, NOTIFY_WEBHOOK_ALLOW_PRIVATE=True)


def register_test_events(t) -> None:
    """Two events and a target type of a pretend app, for this test only."""
    events = {
        PING: registry.EventType(PING, "Ping happened", app="notify"),
        PONG: registry.EventType(PONG, "Pong happened", app="notify"),
    }
    patcher = mock.patch.dict(registry._EVENTS, events)
    patcher.start()
    t.addCleanup(patcher.stop)
    targets = mock.patch.dict(registry._TARGETS, {TARGET: lambda pk: f"/network/?thing={pk}"})
    targets.start()
    t.addCleanup(targets.stop)


def ping(centre, recipients=(), event: str = PING, **payload):
    """What an app does: notify people and the centre's systems of an event about a thing."""
    import uuid

    return notify(
        event, recipients=recipients, target=(TARGET, uuid.uuid4()), centre_id=centre.pk, payload=payload or None
    )


class Receiver:
    """A local HTTP receiver that refuses every other request (or every one, with ``fail_all``)."""

    def __init__(self, fail_all: bool = False, fail_every_other: bool = True, wrap=None) -> None:
        self.requests: list[dict] = []
        self.fail_all = fail_all
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = hmac.new(
                    SECRET.encode(), self.headers["X-SICNet-Timestamp"].encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                fail = outer.fail_all or (fail_every_other and len(outer.requests) % 2 == 0)
                outer.requests.append(
                    {
                        "key": self.headers["Idempotency-Key"],
                        "host": self.headers["Host"],
                        "signed": self.headers["X-SICNet-Signature"] == f"sha256={expected}",
                        "body": json.loads(body),
                        "accepted": not fail,
                    }
                )
                self.send_response(500 if fail else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if wrap is not None:
            self.server.socket = wrap(self.server.socket)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
