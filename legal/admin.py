"""Admin screens of the provisions (editable data with their references)."""

from django.contrib import admin

from legal.models import Editor, Provision


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["code", "group", "title", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "title"]
    fields = ["code", "group", "group_names", "title", "titles", "references", "reference_text", "order", "is_active"]


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["country", "user", "named_by", "created_at"]
    list_select_related = ["country", "user", "named_by"]
