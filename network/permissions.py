"""The network app's permission codes and the roles that grant them."""

from core.permissions import Role, grant


class NetworkPerm:
    DIRECTORY = "directory.view"
    CENTRE_MANAGE = "centre.manage"
    MEMBERS_MANAGE = "centre.members"
    # Network-wide work of the coordination: never a centre's case records.
    COORDINATE = "network.coordinate"


def register() -> None:
    grant(NetworkPerm.DIRECTORY, *Role.ALL)
    grant(NetworkPerm.CENTRE_MANAGE, Role.CENTRE_MANAGER)
    grant(NetworkPerm.MEMBERS_MANAGE, Role.CENTRE_MANAGER, sensitive=True)
    grant(NetworkPerm.COORDINATE, Role.NETWORK_COORDINATOR, sensitive=True)
