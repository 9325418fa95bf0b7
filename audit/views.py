"""The audit log, for auditors and managers of their own centre."""

import json

from django.core.paginator import Paginator
from django.shortcuts import render

from audit import queries
from audit.forms import AuditFilterForm
from audit.permissions import AuditPerm
from core.access import centres_with, permission_required

PAGE_SIZE = 50


@permission_required(AuditPerm.VIEW)
def log(request):
    centres = sorted(centres_with(request.user, AuditPerm.VIEW), key=lambda c: c.name)
    form = AuditFilterForm(request.GET or None, centres=centres)
    entries = queries.entries_visible_to(request.user)
    if form.is_bound and not form.is_valid():
        # A filter we cannot apply (a centre that is not the reader's, a malformed date) shows
        # its error and no entries, rather than silently widening the list.
        entries = entries.none()
    else:
        entries = queries.filtered(entries, form.cleaned_data if form.is_bound else {})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {c.pk: c.name for c in centres}
    rows = [
        {
            "entry": entry,
            "centre": names.get(entry.centre_id, ""),
            # Shown as JSON text (escaped by the template), never as markup.
            "changes": json.dumps(entry.changes, ensure_ascii=False, sort_keys=True) if entry.changes else "",
        }
        for entry in page
    ]
    return render(request, "audit/log.html", {"form": form, "page": page, "rows": rows})
