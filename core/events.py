"""Events between apps: one app states a fact, the apps that care react, and neither imports the other.

``emit(name, payload=..., centre_id=...)`` writes an ``Event`` row and queues its delivery, both in
the caller's transaction: a rolled-back change tells nobody, a committed one is delivered at least
once. Each subscriber (``subscribe(name, handler, name=...)`` from its app's ``AppConfig.ready()``)
runs in its own transaction, which also records that it handled the event; a redelivery skips
what is done and retries only what failed, and a failing subscriber does not stop the others.
``manage.py deliver_events`` (cron) re-delivers what was lost or failed, with backoff, and gives
up after ``MAX_ATTEMPTS`` (the event is then "dead", listed in the admin). Subscribers must be
idempotent all the same: a fact may be stated twice. See docs/architecture.md, "Events".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from core.models import Event, EventHandled, EventStatus

logger = logging.getLogger(__name__)

MAX_PAYLOAD = 2000  # characters of JSON: ids and codes, never a record's content
MAX_ATTEMPTS = 10
# The sweeper leaves a new event to its queued delivery for this long before it counts it lost.
LOST_AFTER = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=12)
KEEP_DELIVERED = timedelta(days=30)  # then a delivered event is only history: the sweeper deletes it

Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Subscriber:
    event: str
    name: str
    handler: Handler


_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(event: str, handler: Handler, *, name: str) -> None:
    """Call ``handler(event)`` for every ``event`` emitted; ``name`` identifies it in the record of
    what was handled (keep it stable: renaming it makes every undelivered event run it again)."""
    for existing in _subscribers.get(event, []):
        if existing.name == name:
            if existing.handler is handler:
                return
            raise ImproperlyConfigured(f"Two subscribers of {event!r} are called {name!r}.")
    _subscribers.setdefault(event, []).append(Subscriber(event, name, handler))


def unsubscribe(event: str, name: str) -> None:
    """Remove a subscriber (for tests that register their own)."""
    _subscribers[event] = [s for s in _subscribers.get(event, []) if s.name != name]


def subscribers(event: str) -> list[Subscriber]:
    return list(_subscribers.get(event, []))


def emit(name: str, *, payload: dict, centre_id=None, sealed: dict | None = None) -> Event:
    """Record that ``name`` happened and queue its delivery, in the caller's transaction.

    ``payload``: small JSON, ids and codes. ``sealed``: what a subscriber needs that must not lie
    in the clear (reported URLs, free text): encrypted at rest, never shown, erased once delivered.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it reports.")
    text = json.dumps(payload)  # refuses what is not JSON
    if not isinstance(payload, dict) or len(text) > MAX_PAYLOAD:
        raise ValueError(f"An event's payload is a small JSON object (at most {MAX_PAYLOAD} characters).")
    event = Event.objects.create(
        name=name,
        payload=payload,
        sealed=json.dumps(sealed) if sealed else "",
        centre_id=centre_id,
        next_attempt_at=timezone.now() + LOST_AFTER,
    )
    deliver_event.enqueue(str(event.pk))
    return event


@task()
def deliver_event(event_id: str) -> bool:
    """The queued first delivery; retries are the sweeper's (``deliver_events``)."""
    return deliver(event_id)


def deliver(event_id) -> bool:
    """Run every subscriber that has not handled the event yet; answers whether all have now."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.status == EventStatus.DELIVERED:
        return True
    failures = [f for sub in subscribers(event.name) if (f := _run(sub, event))]
    return _settle(event, failures)


def _run(sub: Subscriber, event: Event) -> str:
    """One subscriber in its own transaction; answers "" or what went wrong (no content, no values)."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    # First, so that a concurrent delivery waits on the unique key, then skips.
                    EventHandled.objects.create(event=event, subscriber=sub.name)
            except IntegrityError:
                return ""  # handled already, or being handled: _settle counts what is recorded
            sub.handler(event)
    except Exception as error:  # one failing subscriber must not stop the others
        logger.exception("Subscriber %s failed on event %s (%s)", sub.name, event.pk, event.name)
        return f"{sub.name}: {type(error).__name__}"
    return ""


def _settle(event: Event, failures: list[str]) -> bool:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status == EventStatus.DELIVERED:
            return True
        handled = set(EventHandled.objects.filter(event=event).values_list("subscriber", flat=True))
        missing = [sub.name for sub in subscribers(event.name) if sub.name not in handled]
        now = timezone.now()
        event.attempts += 1
        if not missing:
            event.status, event.delivered_at, event.next_attempt_at = EventStatus.DELIVERED, now, None
            event.sealed, event.last_error = "", ""  # nothing left needs the sealed content
        else:
            event.last_error = ("; ".join(failures) or "not handled yet: " + ", ".join(missing))[:500]
            if event.attempts >= MAX_ATTEMPTS:
                event.status, event.next_attempt_at = EventStatus.DEAD, None
            else:
                event.next_attempt_at = now + backoff(event.attempts)
        event.save(
            update_fields=[
                "status",
                "attempts",
                "delivered_at",
                "next_attempt_at",
                "sealed",
                "last_error",
                "updated_at",
            ]
        )
        if event.status == EventStatus.DEAD:
            logger.error(
                "Event %s (%s) is dead after %s attempts: %s", event.pk, event.name, event.attempts, event.last_error
            )
        return not missing


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 5 minutes, doubling, at most 12 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def sweep(*, now: datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Deliver the events whose time has come (lost or failed); answers (delivered, still pending or dead)."""
    now = now or timezone.now()
    due = (
        Event.objects.filter(status=EventStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    results = [deliver(pk) for pk in list(due)]
    return sum(results), len(results) - sum(results)


def prune(*, now: datetime | None = None) -> int:
    """Delete the events delivered more than KEEP_DELIVERED ago (dead ones stay until a person acts)."""
    cutoff = (now or timezone.now()) - KEEP_DELIVERED
    deleted, _by_model = Event.objects.filter(status=EventStatus.DELIVERED, delivered_at__lt=cutoff).delete()
    return deleted


def revive(event_id) -> bool:
    """Deliver a dead event again now (a person fixed the cause); answers whether it is delivered."""
    Event.objects.filter(pk=event_id, status=EventStatus.DEAD).update(
        status=EventStatus.PENDING, attempts=0, updated_at=timezone.now()
    )
    return deliver(event_id)
