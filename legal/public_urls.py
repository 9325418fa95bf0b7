"""Public (anonymous, language-prefixed) pages of the legal app, once the coordinator publishes."""

from django.urls import path

from legal import public_views

app_name = "legal_public"

urlpatterns = [
    path("legal/", public_views.matrix, name="matrix"),
]
