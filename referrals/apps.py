from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from django.urls import reverse

        from notify import registry
        from referrals import navigation, subscribers, widgets
        from referrals.models import Event

        # Notifications and webhooks of referrals; a notification opens the referral's page.
        registry.register_events(Event, app=self.label)
        registry.register_target("referrals.referral", lambda pk: reverse("referrals:detail", args=[pk]))
        navigation.register()
        widgets.register()
        subscribers.register()
