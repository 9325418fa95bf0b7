"""Admin screens of the framework data: administrators rename levels and edit capability texts."""

from django.contrib import admin

from nrm.models import Capability, Domain, Editor, Framework, MaturityLevel


class MaturityLevelInline(admin.TabularInline):
    model = MaturityLevel
    extra = 0
    fields = ["level", "name", "names"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "is_current"]
    inlines = [MaturityLevelInline]


@admin.register(MaturityLevel)
class MaturityLevelAdmin(admin.ModelAdmin):
    list_display = ["framework", "level", "name"]
    list_filter = ["framework"]
    fields = ["framework", "level", "name", "names"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "framework"]
    list_filter = ["framework"]


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "domain"]
    list_filter = ["domain__framework", "domain"]
    search_fields = ["name"]


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["country", "user", "named_by", "created_at"]
    list_select_related = ["country", "user", "named_by"]
