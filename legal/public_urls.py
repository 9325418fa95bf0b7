"""Public (anonymous, language-prefixed) pages of the legal app, once the coordinator publishes."""

from django.urls import path  # noqa: F401

app_name = "legal_public"

urlpatterns: list = []
