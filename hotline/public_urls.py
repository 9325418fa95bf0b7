"""Public (anonymous, language-prefixed) pages of the hotline: /<lang>/report/…"""

from django.urls import path

from hotline import public_views

app_name = "hotline_public"

urlpatterns = [
    path("report/", public_views.report, name="report"),
    path("report/status/", public_views.status, name="status"),
    path("leave/", public_views.leave, name="leave"),
]
