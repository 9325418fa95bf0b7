"""Accounts in the admin: the only place a platform administrator creates accounts and sets their
flags (active, staff, platform administrator), each through an audited action. Nothing else about
an account is edited here: people change their own details on their security and preferences
pages, and their password through the reset link."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts import actions
from accounts.models import ApiToken, User
from audit.admin import ReadOnlyAdmin

# Roles are memberships of centres (network app), not Django groups: a group edited here would be
# a change no action audits.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "mfa_enabled_at", "locked_until"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_demo"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "language", "time_zone"]}),
        (
            _("Status"),
            {"fields": ["is_active", "is_staff", "is_superuser", "is_demo", "locked_until", "failed_logins"]},
        ),
        (_("Second factor"), {"fields": ["mfa_enabled_at"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["reset_second_factor"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Only the flags are changed here (set_account_flags); every other field is shown.
        editable = set(actions.ACCOUNT_FLAGS)
        return [name for _title, options in self.fieldsets for name in options["fields"] if name not in editable]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            actions.create_account(obj, by=request.user)
            return
        flags = {flag: form.cleaned_data[flag] for flag in actions.ACCOUNT_FLAGS if flag in form.changed_data}
        actions.set_account_flags(obj, by=request.user, **flags)

    def save_related(self, request, form, formsets, change) -> None:
        # Groups and permissions are not on the form; nothing else to save.
        return None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an account is switched off (active), never deleted: its audit trail names it

    def user_change_password(self, request, id, form_url=""):
        # A password is set by its owner (the reset link), never by an administrator.
        raise PermissionDenied

    @admin.action(description=_("Reset the second factor (the user enrols again)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            actions.reset_mfa(user, by=request.user)
        messages.success(request, _("The second factor was reset."))


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    # Tokens are issued on the security page (the plain token is shown once there) and revoked
    # through the audited action below: nothing else about them is changed here.
    readonly_fields = ["prefix", "token_hash", "user", "membership", "expires_at", "revoked_at", "last_used_at"]
    actions = ["revoke_tokens"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset):
        for token in queryset.select_related("membership"):
            actions.revoke_api_token(token, by=request.user)
        messages.success(request, _("The selected tokens are revoked."))
