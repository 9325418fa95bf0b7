"""The audit log in the admin (read-only), and the rule every other admin page follows: the
admin changes nothing that bypasses an app's actions and the audit log."""

from collections.abc import Callable

from django.contrib import admin

from audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: the app's own pages (and their audited actions) change it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ActionAdmin(admin.ModelAdmin):
    """Edited here because no page of the app edits it, and saved through the app's action.

    ``save_action(obj, *, by, fields)`` is that action (it writes the audit entry). Nothing is
    deleted from the admin: records are switched off (``is_active``) by editing them.
    """

    save_action: Callable

    def save_model(self, request, obj, form, change) -> None:
        type(self).save_action(obj, by=request.user, fields=list(form.changed_data) if change else [])

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, even for administrators."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_id", "action"]

    def get_queryset(self, request):
        # The platform administrator's read of the whole log, named as the scoping guard asks.
        return super().get_queryset(request).unscoped("admin")
