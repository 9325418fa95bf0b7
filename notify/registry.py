"""What apps register with notify, in their ``AppConfig.ready()``: their events and their targets.

An **event** is a name the app defines (``"training.reminder"``; the referrals app keeps the short
names its centres' systems already receive, such as ``"sent"``) with a translated label: the label is
the notification's text, the e-mail's subject and the choice a manager ticks on a webhook endpoint.
A **target type** (``"referrals.referral"``, the model's label in lower case) maps a record's id to
the page that shows it, so a notification links there without notify knowing the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class EventType:
    name: str
    label: Any  # a lazy translation
    app: str  # the registering app's label, to group the choices
    webhook: bool = True  # offered to webhook endpoints


_EVENTS: dict[str, EventType] = {}
_TARGETS: dict[str, Callable[[Any], str]] = {}


def register_event(name: str, label, *, app: str, webhook: bool = True) -> EventType:
    """Declare an event; registering the same name again for another app is a configuration error."""
    known = _EVENTS.get(name)
    if known is not None and known.app != app:
        raise ImproperlyConfigured(f"The event {name!r} is already registered by {known.app}.")
    _EVENTS[name] = EventType(name=name, label=label, app=app, webhook=webhook)
    return _EVENTS[name]


def register_events(choices, *, app: str, webhook: bool = True) -> None:
    """Every member of a ``TextChoices`` class as an event (value = name, label = label)."""
    for value, label in choices.choices:
        register_event(value, label, app=app, webhook=webhook)


def register_target(type_label: str, url: Callable[[Any], str]) -> None:
    """``url(target_id)`` answers the path of the page that shows a record of this type."""
    _TARGETS[type_label] = url


def event(name: str) -> EventType:
    try:
        return _EVENTS[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown notification event {name!r}: register it in AppConfig.ready().") from None


def is_event(name: str) -> bool:
    return name in _EVENTS


def label(name: str) -> str:
    """The event's label in the active language (its name for an event no app registers any more)."""
    known = _EVENTS.get(name)
    return str(known.label) if known else name


def webhook_events() -> list[EventType]:
    return [e for e in _EVENTS.values() if e.webhook]


def webhook_choices() -> list:
    """The events an endpoint may subscribe to, grouped by app (translated group and labels)."""
    from django.apps import apps

    groups: dict[str, list] = {}
    for known in webhook_events():
        groups.setdefault(known.app, []).append((known.name, known.label))
    return [(apps.get_app_config(app).verbose_name, choices) for app, choices in groups.items()]


def target_type(obj) -> str:
    """The type label of a model instance: ``"<app_label>.<model_name>"``."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def target_url(type_label: str, target_id) -> str:
    """The path of the page about the target, or "" when its app registered none."""
    url = _TARGETS.get(type_label)
    return url(target_id) if url and target_id is not None else ""
