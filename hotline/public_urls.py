"""Public (anonymous, language-prefixed) pages of the hotline: /<lang>/report/…"""

from django.urls import path  # noqa: F401

app_name = "hotline_public"

urlpatterns: list = []
