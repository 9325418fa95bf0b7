"""Public (anonymous, language-prefixed) pages of the nrm app, once the coordinator publishes."""

from django.urls import path  # noqa: F401

app_name = "nrm_public"

urlpatterns: list = []
