"""The legal matrix's permission codes (read per country) and the roles that grant them."""

from core.permissions import Role, grant


class LegalPerm:
    READ = "legal.read"
    EDIT = "legal.edit"
    VALIDATE = "legal.validate"


def register() -> None:
    grant(LegalPerm.READ, *Role.ALL)
    grant(LegalPerm.EDIT, Role.CENTRE_MANAGER)
    grant(LegalPerm.VALIDATE, Role.NETWORK_COORDINATOR)
