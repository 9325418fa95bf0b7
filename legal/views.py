"""Staff pages of the legal app: the matrix, a country's entries and gaps, editing with history, exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import access_object, country_ids_with, permission_required
from legal import actions, exports, queries
from legal.forms import EditorForm, EntryForm
from legal.models import Editor, Entry, EntryChange, Provision
from legal.permissions import LegalPerm


def _matrix_context(request: HttpRequest) -> tuple[list, list]:
    countries, own = queries.matrix_countries(request.user)
    return countries, queries.matrix(countries, own_ids=own)


@permission_required(LegalPerm.READ)
def matrix(request: HttpRequest) -> HttpResponse:
    countries, groups = _matrix_context(request)
    own = queries.readable_country_ids(request.user)
    context = {
        "countries": countries,
        "groups": groups,
        "own": [c for c in countries if c.pk in own],
        "can_name_editors": bool(country_ids_with(request.user, LegalPerm.EDIT)),
    }
    return render(request, "legal/matrix.html", context)


@permission_required(LegalPerm.READ)
def country(request: HttpRequest, country_id) -> HttpResponse:
    item = queries.access_country(request.user, country_id)
    entries = {
        e.provision_id: e
        for e in Entry.objects.visible_to(request.user).filter(country=item).select_related("reviewed_by")
    }
    rows = [(provision, entries.get(provision.pk)) for provision in queries.provisions()]
    context = {
        "country": item,
        "rows": rows,
        "can_edit": item.pk in queries.editable_country_ids(request.user),
        "is_coordinator": queries.is_coordinator(request.user),
        "is_published": queries.is_published(item),
    }
    return render(request, "legal/country.html", context)


@permission_required(LegalPerm.READ)
def edit_entry(request: HttpRequest, country_id, code: str) -> HttpResponse:
    item = queries.access_country(request.user, country_id)
    provision = get_object_or_404(Provision, code=code, is_active=True)
    entry = Entry.objects.visible_to(request.user).filter(country=item, provision=provision).first()
    can_edit = item.pk in queries.editable_country_ids(request.user)
    if request.method == "POST":
        queries.require_editor(request.user, item)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        actions.update_entry(item, provision, by=request.user, **form.cleaned_data)
        messages.success(request, _("The entry is saved."))
        return redirect("legal:country", country_id=item.pk)
    history = EntryChange.objects.of(entry=entry).select_related("changed_by") if entry else []
    context = {"country": item, "provision": provision, "entry": entry, "form": form if can_edit else None,
               "history": history}  # fmt: skip
    return render(request, "legal/entry.html", context)


@permission_required(LegalPerm.READ)
def gaps(request: HttpRequest, country_id) -> HttpResponse:
    item = queries.access_country(request.user, country_id)
    return render(request, "legal/gaps.html", {"country": item, "gaps": queries.gaps(item, request.user)})


@require_POST
@permission_required(LegalPerm.READ)
def validate(request: HttpRequest, country_id) -> HttpResponse:
    item = queries.access_country(request.user, country_id)
    queries.require_coordinator(request.user)
    count = actions.validate_country(item, by=request.user)
    messages.success(request, _("Entries validated: %(count)d.") % {"count": count})
    return redirect("legal:country", country_id=item.pk)


@require_POST
@permission_required(LegalPerm.READ)
def publish(request: HttpRequest, country_id) -> HttpResponse:
    item = queries.access_country(request.user, country_id)
    queries.require_coordinator(request.user)
    actions.set_published(item, by=request.user, published=request.POST.get("publish") == "1")
    messages.success(request, _("The publication is updated."))
    return redirect("legal:country", country_id=item.pk)


@permission_required(LegalPerm.READ)
def export_csv(request: HttpRequest) -> HttpResponse:
    return exports.matrix_csv(*_matrix_context(request))


@permission_required(LegalPerm.READ)
def export_pdf(request: HttpRequest) -> HttpResponse:
    return exports.matrix_pdf(*_matrix_context(request))


@permission_required(LegalPerm.EDIT)
def editors(request: HttpRequest) -> HttpResponse:
    # Only role holders (managers) name editors: an editor cannot name more editors.
    countries = country_ids_with(request.user, LegalPerm.EDIT)
    form = EditorForm(request.POST or None, country_ids=countries)
    if request.method == "POST" and form.is_valid():
        actions.name_editor(form.cleaned_data["country"], form.cleaned_data["user"], by=request.user)
        messages.success(request, _("The editor is named."))
        return redirect("legal:editors")
    items = Editor.objects.filter(country_id__in=countries).select_related("country", "user")
    return render(request, "legal/editors.html", {"editors": items, "form": form})


@require_POST
@permission_required(LegalPerm.EDIT)
def remove_editor(request: HttpRequest, editor_id) -> HttpResponse:
    countries = country_ids_with(request.user, LegalPerm.EDIT)
    editor = access_object(Editor.objects.filter(country_id__in=countries).select_related("country"), pk=editor_id)
    actions.remove_editor(editor, by=request.user)
    messages.success(request, _("The editor is removed."))
    return redirect("legal:editors")
