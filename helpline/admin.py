"""The taxonomy is data: platform administrators edit the categories here."""

from django.contrib import admin

from helpline.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "scheme", "parent", "position", "is_active")
    list_filter = ("scheme", "is_active")
    search_fields = ("name",)
    ordering = ("scheme", "position")
