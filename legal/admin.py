"""Admin screens of the provisions (editable data with their references), saved through the audited
action. Editors are named on the matrix's own page (its audited action): shown here, not changed."""

from django.contrib import admin

from audit.admin import ActionAdmin, ReadOnlyAdmin
from legal import actions
from legal.models import Editor, Provision


@admin.register(Provision)
class ProvisionAdmin(ActionAdmin):
    save_action = actions.save_provision
    list_display = ["code", "group", "title", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "title"]
    fields = ["code", "group", "group_names", "title", "titles", "references", "reference_text", "order", "is_active"]


@admin.register(Editor)
class EditorAdmin(ReadOnlyAdmin):
    list_display = ["country", "user", "named_by", "created_at"]
    list_select_related = ["country", "user", "named_by"]
