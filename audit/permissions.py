"""The audit log's permission code and the roles that grant it."""

from core.permissions import Role, grant


class AuditPerm:
    VIEW = "audit.view"


def register() -> None:
    grant(AuditPerm.VIEW, Role.CENTRE_MANAGER, Role.AUDITOR, sensitive=True)
