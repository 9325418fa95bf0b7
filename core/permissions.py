"""Roles, and the registry of the permission codes they grant.

A membership (network.Membership) ties a user to a centre with one of these roles. Each app
defines its own codes in ``<app>/permissions.py`` and grants them to roles from its
``AppConfig.ready()`` (``grant(code, *roles)``); this module knows no app. Views, API operations
and querysets ask for permission codes, never for role names, so a role can change in one place.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class Perm:
    """The platform's own codes (every app adds its own in its permissions module)."""

    DASHBOARD = "dashboard.view"
    # Aggregate statistics, read through core.access.aggregate_scope: a centre's figures, a
    # country's, the whole network's. Aggregates only, never a record.
    STATS_CENTRE = "stats.centre"
    STATS_COUNTRY = "stats.country"
    STATS_NETWORK = "stats.network"


class Role:
    HOTLINE_ANALYST = "hotline_analyst"
    HELPLINE_COUNSELLOR = "helpline_counsellor"
    SUPERVISOR = "supervisor"
    CENTRE_MANAGER = "centre_manager"
    NETWORK_COORDINATOR = "network_coordinator"
    STATE_VIEWER = "state_viewer"
    AUDITOR = "auditor"

    CHOICES = [
        (HOTLINE_ANALYST, _("Hotline analyst")),
        (HELPLINE_COUNSELLOR, _("Helpline counsellor")),
        (SUPERVISOR, _("Supervisor")),
        (CENTRE_MANAGER, _("Centre manager")),
        (NETWORK_COORDINATOR, _("Network coordinator")),
        (STATE_VIEWER, _("State institution viewer")),
        (AUDITOR, _("Auditor (data protection officer)")),
    ]
    ALL = tuple(role for role, _label in CHOICES)
    # Staff of the network's centres and its coordination: every role but the state institution's.
    MEMBERS = (HOTLINE_ANALYST, HELPLINE_COUNSELLOR, SUPERVISOR, CENTRE_MANAGER, NETWORK_COORDINATOR, AUDITOR)
    # Roles that work a centre's cases day to day.
    CENTRE_STAFF = (HOTLINE_ANALYST, HELPLINE_COUNSELLOR, SUPERVISOR, CENTRE_MANAGER)


_grants: dict[str, set[str]] = {role: set() for role in Role.ALL}
_frozen: dict[str, frozenset[str]] = {}
# Holding any of these means seeing case data or personal data: MFA is then mandatory.
_sensitive: set[str] = set()


def grant(code: str, *roles: str, sensitive: bool = False) -> None:
    """Give ``code`` to ``roles`` (apps call it from ready()). ``sensitive``: it shows case or
    personal data, so whoever holds it must use the second factor."""
    for role in roles:
        _grants[role].add(code)  # an unknown role is a KeyError: a typo must not pass silently
    if sensitive:
        _sensitive.add(code)
    _frozen.clear()


def permissions_for_role(role: str) -> frozenset[str]:
    codes = _frozen.get(role)
    if codes is None:
        codes = _frozen[role] = frozenset(_grants.get(role, ()))
    return codes


def roles_with(code: str) -> list[str]:
    """The roles that grant ``code``."""
    return [role for role in Role.ALL if code in permissions_for_role(role)]


def role_requires_mfa(role: str) -> bool:
    return bool(permissions_for_role(role) & _sensitive)


def register() -> None:
    """The platform's own grants (called from core's ready())."""
    grant(Perm.DASHBOARD, *Role.ALL)
    grant(Perm.STATS_CENTRE, *Role.CENTRE_STAFF)
    grant(Perm.STATS_COUNTRY, Role.STATE_VIEWER)
    grant(Perm.STATS_NETWORK, Role.NETWORK_COORDINATOR)
