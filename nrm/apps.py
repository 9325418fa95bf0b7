from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NrmConfig(AppConfig):
    name = "nrm"
    verbose_name = _("National Response Model")

    def ready(self):
        from nrm import navigation, permissions, widgets

        permissions.register()
        navigation.register()
        widgets.register()
