"""Platform administrators set a centre's referral deadlines here; referrals themselves are case data
and stay out of the admin."""

from django.contrib import admin

from referrals.models import ReferralSettings


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin):
    list_display = ("centre", "acknowledge_hours", "act_hours")
    autocomplete_fields = ()
