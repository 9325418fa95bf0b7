"""System checks of our own."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def csrf_middleware_installed(app_configs, **kwargs):
    """Stands in for Django's security.W003, which only recognises Django's own class by name."""
    if "core.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            "core.csrf.CsrfViewMiddleware is not in MIDDLEWARE: forms are not protected against CSRF.",
            id="sicnet.W001",
        )
    ]
