"""Public (anonymous, language-prefixed) pages of the nrm app, once the coordinator publishes."""

from django.urls import path

from nrm import public_views

app_name = "nrm_public"

urlpatterns = [
    path("nrm/", public_views.summaries, name="summaries"),
]
