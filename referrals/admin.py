"""Platform administrators see each centre's referral deadlines here; they are changed on the
centre's referral settings page, whose action checks and audits them. Referrals themselves are case
data and stay out of the admin."""

from django.contrib import admin

from referrals.models import ReferralSettings


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin):
    list_display = ("centre", "acknowledge_hours", "act_hours")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
