"""The NRM assessments' permission codes (read per country) and the roles that grant them."""

from core.permissions import Role, grant


class NrmPerm:
    READ = "nrm.read"
    EDIT = "nrm.edit"
    VALIDATE = "nrm.validate"
    COMPARE = "nrm.compare"


def register() -> None:
    # Every network member reads their country's assessments and the regional comparison (not case
    # data); editing is granted to managers here and to named editors (nrm.Editor).
    grant(NrmPerm.READ, *Role.ALL)
    grant(NrmPerm.COMPARE, *Role.MEMBERS)
    grant(NrmPerm.EDIT, Role.CENTRE_MANAGER)
    grant(NrmPerm.VALIDATE, Role.NETWORK_COORDINATOR)
