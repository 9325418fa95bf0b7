from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline")

    def ready(self):
        from core import readiness
        from hotline import figures, navigation, permissions, subscribers, waiting, widgets

        permissions.register()
        navigation.register()
        widgets.register()
        figures.register()
        readiness.register("hotline.attaching", waiting.attaching_lag)
        subscribers.register()
