"""The hash lists' permission codes and the roles that grant them (the hotline's roles)."""

from core.permissions import Role, grant


class HashesPerm:
    VIEW = "hashes.view"
    # Add hashes to a list, hash a file, import into a list the centre may edit.
    ADD = "hashes.add"
    # Create lists, change their settings and sharing.
    MANAGE = "hashes.manage"


def register() -> None:
    grant(HashesPerm.VIEW, Role.HOTLINE_ANALYST, Role.SUPERVISOR, Role.CENTRE_MANAGER, sensitive=True)
    grant(HashesPerm.ADD, Role.HOTLINE_ANALYST, Role.SUPERVISOR)
    grant(HashesPerm.MANAGE, Role.SUPERVISOR, Role.CENTRE_MANAGER)
