"""The project's routes plus a probe API with unsafe operations (the real API has none yet)."""

from django.urls import path
from ninja import NinjaAPI

from accounts.api_auth import staff
from audit.permissions import AuditPerm
from sicnet.urls import urlpatterns as project_urlpatterns

probe = NinjaAPI(title="probe", version="test", urls_namespace="api_probe", auth=staff(), docs_url=None)


@probe.post("/echo")
def echo(request):
    return {"user": request.user.email}


@probe.post("/audit-only", auth=staff(AuditPerm.VIEW))
def audit_only(request):
    return {"user": request.user.email}


urlpatterns = [path("probe/", probe.urls), *project_urlpatterns]
