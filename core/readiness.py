"""Readiness checks that apps register, reported by ``/readyz`` beside the database's own.

An app registers a check from its ``AppConfig.ready()``::

    from core import readiness
    readiness.register("hotline.attaching", attaching_lag)

A check takes no argument and answers a ``Check``: ``ok`` or ``lagging``, with the numbers that
say why (JSON-serialisable). A lagging check does **not** make the node unready: ``/readyz``
decides whether a web node receives traffic, and a background process falling behind (the
attaching loop, say) is not cured by taking healthy web nodes out of the load balancer. Only the
database and the migrations answer 503; monitoring alerts on ``"lagging"`` (docs/development.md).
A check that fails (raises) is reported as ``error`` with the same 200, for the same reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

log = logging.getLogger(__name__)

OK: Literal["ok"] = "ok"
LAGGING: Literal["lagging"] = "lagging"
ERROR: Literal["error"] = "error"


@dataclass(frozen=True)
class Check:
    status: Literal["ok", "lagging", "error"]
    numbers: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, **self.numbers}


_checks: dict[str, Callable[[], Check]] = {}


def register(name: str, check: Callable[[], Check]) -> None:
    """Add a readiness check under ``name`` (``"<app>.<what>"``); registering a name twice fails."""
    if name in _checks and _checks[name] is not check:
        raise ValueError(f"readiness check {name!r} is registered twice")
    _checks[name] = check


def registered() -> dict[str, Callable[[], Check]]:
    return dict(_checks)


def run_checks() -> dict[str, dict[str, Any]]:
    """Every registered check's answer, by name (a failing check answers ``error``, logged)."""
    answers = {}
    for name, check in sorted(_checks.items()):
        try:
            answers[name] = check().as_json()
        except Exception:  # noqa: BLE001 - one broken check must not hide the others
            log.exception("Readiness check %s failed", name)
            answers[name] = Check(ERROR).as_json()
    return answers
