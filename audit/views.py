"""The audit log, for auditors and managers of their own centre."""

from django.core.paginator import Paginator
from django.shortcuts import render

from audit import queries
from audit.forms import AuditFilterForm
from core.access import memberships_of, permission_required
from core.permissions import Perm, permissions_for_role

PAGE_SIZE = 50


@permission_required(Perm.AUDIT_VIEW)
def log(request):
    centres = {m.centre for m in memberships_of(request.user) if Perm.AUDIT_VIEW in permissions_for_role(m.role)}
    form = AuditFilterForm(request.GET or None, centres=sorted(centres, key=lambda c: c.name))
    entries = queries.entries_visible_to(request.user)
    if form.is_valid():
        entries = queries.filtered(entries, form.cleaned_data)
    else:
        entries = entries.order_by("-seq")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {str(c.pk): c.name for c in centres}
    return render(request, "audit/log.html", {"form": form, "page": page, "centre_names": names})
