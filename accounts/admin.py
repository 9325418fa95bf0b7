from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import actions
from accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "mfa_enabled_at", "locked_until"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_demo"]
    readonly_fields = ["mfa_enabled_at", "last_login", "date_joined", "failed_logins"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name", "language", "time_zone"]}),
        (
            _("Status"),
            {"fields": ["is_active", "is_staff", "is_superuser", "is_demo", "locked_until", "failed_logins"]},
        ),
        (_("Second factor"), {"fields": ["mfa_enabled_at"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (the user enrols again)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            actions.reset_mfa(user, by=request.user)
        messages.success(request, _("The second factor was reset."))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    # Tokens are issued on the security page (the plain token is shown once there) and revoked
    # through the audited action below: nothing else about them is edited here.
    readonly_fields = ["prefix", "token_hash", "user", "membership", "expires_at", "revoked_at", "last_used_at"]
    actions = ["revoke_tokens"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset):
        for token in queryset.select_related("membership"):
            actions.revoke_api_token(token, by=request.user)
        messages.success(request, _("The selected tokens are revoked."))
