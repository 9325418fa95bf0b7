"""Roles and the permission codes they grant: the one place where access is defined.

A membership (network.Membership) ties a user to a centre with one of these roles. Views,
API operations and querysets ask for permission codes, never for role names, so a role can be
changed here without touching the code that relies on it.
"""

from django.utils.translation import gettext_lazy as _


class Perm:
    """Permission codes. Later apps add theirs here."""

    DASHBOARD = "dashboard.view"
    DIRECTORY = "directory.view"
    HOTLINE_VIEW = "hotline.view"
    HOTLINE_ASSESS = "hotline.assess"
    HOTLINE_SUPERVISE = "hotline.supervise"
    HELPLINE_VIEW = "helpline.view"
    HELPLINE_LOG = "helpline.log"
    HELPLINE_SUPERVISE = "helpline.supervise"
    CENTRE_MANAGE = "centre.manage"
    MEMBERS_MANAGE = "centre.members"
    AUDIT_VIEW = "audit.view"
    STATS_CENTRE = "stats.centre"
    STATS_COUNTRY = "stats.country"
    NETWORK_COORDINATE = "network.coordinate"
    NETWORK_READ = "network.read"
    # NRM assessments and the legal matrix belong to a country: these codes are read per country.
    NRM_READ = "nrm.read"
    NRM_EDIT = "nrm.edit"
    NRM_VALIDATE = "nrm.validate"
    NRM_COMPARE = "nrm.compare"
    LEGAL_READ = "legal.read"
    LEGAL_EDIT = "legal.edit"
    LEGAL_VALIDATE = "legal.validate"


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


# Every network member reads their country's NRM assessments and legal entries and the regional
# comparison (not case data, so not sensitive); editing is granted per role below and to named
# editors (nrm.Editor, legal.Editor).
_NRM_LEGAL_READ = {Perm.NRM_READ, Perm.NRM_COMPARE, Perm.LEGAL_READ}
_MEMBER = {Perm.DASHBOARD, Perm.DIRECTORY, Perm.NETWORK_READ} | _NRM_LEGAL_READ

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.HOTLINE_ANALYST: frozenset(_MEMBER | {Perm.HOTLINE_VIEW, Perm.HOTLINE_ASSESS, Perm.STATS_CENTRE}),
    Role.HELPLINE_COUNSELLOR: frozenset(_MEMBER | {Perm.HELPLINE_VIEW, Perm.HELPLINE_LOG, Perm.STATS_CENTRE}),
    Role.SUPERVISOR: frozenset(
        _MEMBER
        | {
            Perm.HOTLINE_VIEW,
            Perm.HOTLINE_ASSESS,
            Perm.HOTLINE_SUPERVISE,
            Perm.HELPLINE_VIEW,
            Perm.HELPLINE_LOG,
            Perm.HELPLINE_SUPERVISE,
            Perm.STATS_CENTRE,
        }
    ),
    Role.CENTRE_MANAGER: frozenset(
        _MEMBER
        | {
            Perm.HOTLINE_VIEW,
            Perm.HOTLINE_SUPERVISE,
            Perm.HELPLINE_VIEW,
            Perm.HELPLINE_SUPERVISE,
            Perm.CENTRE_MANAGE,
            Perm.MEMBERS_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.STATS_CENTRE,
            Perm.NRM_EDIT,
            Perm.LEGAL_EDIT,
        }
    ),
    # The coordinator sees aggregates and network-wide work, never another centre's case records.
    Role.NETWORK_COORDINATOR: frozenset(
        _MEMBER | {Perm.NETWORK_COORDINATE, Perm.STATS_COUNTRY, Perm.NRM_VALIDATE, Perm.LEGAL_VALIDATE}
    ),
    Role.STATE_VIEWER: frozenset({Perm.DASHBOARD, Perm.DIRECTORY, Perm.STATS_COUNTRY, Perm.NRM_READ, Perm.LEGAL_READ}),
    Role.AUDITOR: frozenset(_MEMBER | {Perm.AUDIT_VIEW}),
}

# Holding any of these means seeing case data or personal data: MFA is then mandatory.
SENSITIVE_PERMISSIONS = frozenset(
    {
        Perm.HOTLINE_VIEW,
        Perm.HELPLINE_VIEW,
        Perm.AUDIT_VIEW,
        Perm.MEMBERS_MANAGE,
        Perm.NETWORK_COORDINATE,
    }
)


def permissions_for_role(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(code: str) -> list[str]:
    """The roles that grant ``code``."""
    return [role for role, codes in ROLE_PERMISSIONS.items() if code in codes]


def role_requires_mfa(role: str) -> bool:
    return bool(permissions_for_role(role) & SENSITIVE_PERMISSIONS)
