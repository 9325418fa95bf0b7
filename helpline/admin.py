"""The taxonomy is data: platform administrators edit the categories here, through the audited
action (no page of the app edits them)."""

from django.contrib import admin

from audit.admin import ActionAdmin
from helpline import actions
from helpline.models import Category


@admin.register(Category)
class CategoryAdmin(ActionAdmin):
    save_action = actions.save_category
    list_display = ("name", "scheme", "parent", "position", "is_active")
    list_filter = ("scheme", "is_active")
    search_fields = ("name",)
    ordering = ("scheme", "position")
