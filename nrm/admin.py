"""Admin screens of the framework data: administrators rename levels and edit capability texts,
saved through the audited action. Editors are named on the assessment's own page (its audited
action): shown here, not changed."""

from django.contrib import admin

from audit.admin import ActionAdmin, ReadOnlyAdmin, ReadOnlyInline
from nrm import actions
from nrm.models import Capability, Domain, Editor, Framework, MaturityLevel


class MaturityLevelInline(ReadOnlyInline):
    # Shown with its framework; renamed on its own page, through the action.
    model = MaturityLevel
    fields = ["level", "name", "names"]


@admin.register(Framework)
class FrameworkAdmin(ActionAdmin):
    save_action = actions.save_framework_data
    list_display = ["name", "code", "version", "is_current"]
    inlines = [MaturityLevelInline]


@admin.register(MaturityLevel)
class MaturityLevelAdmin(ActionAdmin):
    save_action = actions.save_framework_data
    list_display = ["framework", "level", "name"]
    list_filter = ["framework"]
    fields = ["framework", "level", "name", "names"]


@admin.register(Domain)
class DomainAdmin(ActionAdmin):
    save_action = actions.save_framework_data
    list_display = ["number", "name", "framework"]
    list_filter = ["framework"]


@admin.register(Capability)
class CapabilityAdmin(ActionAdmin):
    save_action = actions.save_framework_data
    list_display = ["number", "name", "domain"]
    list_filter = ["domain__framework", "domain"]
    search_fields = ["name"]


@admin.register(Editor)
class EditorAdmin(ReadOnlyAdmin):
    list_display = ["country", "user", "named_by", "created_at"]
    list_select_related = ["country", "user", "named_by"]
