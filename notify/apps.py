from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notify import widgets

        widgets.register()
