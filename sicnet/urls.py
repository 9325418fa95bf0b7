"""Top-level routes. Public pages carry their language in the URL; staff pages do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from api import views as api_views
from api.root import api
from core import views as core_views

admin.site.site_header = "SICNet"
admin.site.site_title = "SICNet"
# The admin uses our sign-in (password, then second factor), never its own form.
admin.site.login = RedirectView.as_view(pattern_name="accounts:login", query_string=True)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", api_views.not_found, name="api_not_found"),
    path("admin/logout/", accounts_views.logout_view),  # audited, like every sign-out
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("network/", include("network.urls")),
    path("audit/", include("audit.urls")),
    path("notify/", include("notify.urls")),
    path("hotline/", include("hotline.urls")),
    path("helpline/", include("helpline.urls")),
    path("referrals/", include("referrals.urls")),
    path("hashes/", include("hashes.urls")),
    path("nrm/", include("nrm.urls")),
    path("legal/", include("legal.urls")),
    path("", include("core.urls")),
    path("", include("public.root_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("public.urls")),
    path("", include("hotline.public_urls")),
    path("", include("nrm.public_urls")),
    path("", include("legal.public_urls")),
    prefix_default_language=True,
)

handler403 = "sicnet.errors.forbidden"
handler404 = "sicnet.errors.not_found"
handler500 = "sicnet.errors.server_error"
