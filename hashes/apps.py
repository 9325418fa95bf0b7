from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HashesConfig(AppConfig):
    name = "hashes"
    verbose_name = _("Hash lists")

    def ready(self):
        from hashes import navigation, permissions

        permissions.register()
        navigation.register()
