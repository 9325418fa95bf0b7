"""Events in the admin: read-only, so that a person sees what waits or is dead, and changes nothing."""

from django.contrib import admin

from core.models import Event, EventHandled


class HandledInline(admin.TabularInline):
    model = EventHandled
    fields = ["subscriber", "handled_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "attempts", "created_at", "next_attempt_at", "last_error"]
    list_filter = ["status", "name"]
    # Never the sealed content: it is for the subscribers only.
    fields = [
        "name",
        "status",
        "payload",
        "centre_id",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    readonly_fields = fields
    inlines = [HandledInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
