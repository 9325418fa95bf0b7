from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self):
        from network import navigation, permissions, widgets

        permissions.register()
        navigation.register()
        widgets.register()
