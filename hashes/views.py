"""Staff pages of the hash lists: lists, a list's entries, lookup by hash or by file, export. Thin views."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import record
from core.access import access_object, centre_ids_with, has_perm, permission_required
from hashes import actions, forms, importer
from hashes.hashing import CappedMemoryUploadHandler, hash_bytes, memory_uploads, pdq_available
from hashes.matching import matches_for
from hashes.models import HashList, ImportJob
from hashes.permissions import HashesPerm
from hashes.queries import supervised_centres

PAGE_SIZE = 100


@permission_required(HashesPerm.VIEW)
def lists(request: HttpRequest) -> HttpResponse:
    visible = HashList.objects.visible_to(request.user).select_related("centre").annotate(size=Count("entries"))
    centres = supervised_centres(request.user)
    form = forms.ListForm(centres=centres) if centres else None
    return render(request, "hashes/lists.html", {"lists": visible, "form": form})


@require_POST
@permission_required(HashesPerm.MANAGE)
def list_create(request: HttpRequest) -> HttpResponse:
    centres = supervised_centres(request.user)
    form = forms.ListForm(request.POST, centres=centres)
    if not form.is_valid():
        visible = HashList.objects.visible_to(request.user).select_related("centre").annotate(size=Count("entries"))
        return render(request, "hashes/lists.html", {"lists": visible, "form": form}, status=400)
    data = form.cleaned_data
    hash_list = actions.create_list(
        data["centre"],
        by=request.user,
        name=data["name"],
        kind=data["kind"],
        source=data["source"],
        trust_level=data["trust_level"],
        shares_with_network=data["shares_with_network"],
    )
    messages.success(request, _("The list was created."))
    return redirect("hashes:list", list_id=hash_list.pk)


def _list_for(request: HttpRequest, list_id) -> HashList:
    return access_object(HashList.objects.visible_to(request.user).select_related("centre"), pk=list_id)


def _managed_list(request: HttpRequest, list_id) -> HashList:
    """A list the user may change: 404 when they cannot see it, 403 when they can only read it."""
    return _require_change(request, _list_for(request, list_id))


def _require_change(request: HttpRequest, hash_list: HashList) -> HashList:
    if not has_perm(request.user, HashesPerm.ADD, hash_list.centre_id):
        raise PermissionDenied
    return hash_list


def _list_page(
    request: HttpRequest, hash_list: HashList, entry_form=None, status: int = 200, settings_form=None, import_form=None
) -> HttpResponse:
    filters = forms.EntryFilterForm(request.GET or None)
    entries = hash_list.entries.filter(**filters.params()).select_related("added_by").order_by("-first_seen", "pk")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # Another centre's list (a network list) shows hashes and classifications only.
    owned = hash_list.centre_id in centre_ids_with(request.user, HashesPerm.VIEW)
    can_edit = has_perm(request.user, HashesPerm.ADD, hash_list.centre_id)
    if can_edit and entry_form is None:
        entry_form = forms.EntryForm()
    context = {
        "hash_list": hash_list,
        "filters": filters,
        "page": page,
        "owned": owned,
        "can_edit": can_edit,
        "entry_form": entry_form if can_edit else None,
        "formats": importer.FORMATS,
        "settings_form": settings_form or _settings_form(request, hash_list),
        "import_form": import_form or (_import_form(request, hash_list) if owned else None),
        "imports": hash_list.imports.defer("content").select_related("created_by")[:5] if owned else [],
    }
    return render(request, "hashes/list.html", context, status=status)


@permission_required(HashesPerm.VIEW)
def list_detail(request: HttpRequest, list_id) -> HttpResponse:
    hash_list = _list_for(request, list_id)
    if request.method != "POST":
        return _list_page(request, hash_list)
    _require_change(request, hash_list)
    form = forms.EntryForm(request.POST)
    if not form.is_valid():
        return _list_page(request, hash_list, form, status=400)
    data = form.cleaned_data
    _entry, created = actions.add_entry(
        hash_list,
        by=request.user,
        algorithm=data["algorithm"],
        value=data["value"],
        classification=data["classification"],
        quality=data["quality"],
        origin="manual",  # a code, not a sentence: stored once, read in any language
    )
    messages.success(request, _("The hash was added.") if created else _("This hash is already in the list."))
    return redirect("hashes:list", list_id=hash_list.pk)


def _settings_form(request: HttpRequest, hash_list: HashList, data=None):
    """The settings form for a supervisor of the list's centre, else None."""
    if not has_perm(request.user, HashesPerm.MANAGE, hash_list.centre_id):
        return None
    initial = {f: getattr(hash_list, f) for f in ("name", "source", "trust_level", "shares_with_network")}
    return forms.ListSettingsForm(data, initial=initial, hash_list=hash_list, prefix="settings")


@require_POST
@permission_required(HashesPerm.MANAGE)
def list_settings(request: HttpRequest, list_id) -> HttpResponse:
    hash_list = _list_for(request, list_id)
    form = _settings_form(request, hash_list, request.POST)
    if form is None:
        raise PermissionDenied  # visible (a network list of another centre) but not theirs to change
    if not form.is_valid():
        return _list_page(request, hash_list, settings_form=form, status=400)
    actions.update_list(hash_list, by=request.user, **form.cleaned_data)
    messages.success(request, _("The list's settings were saved."))
    return redirect("hashes:list", list_id=hash_list.pk)


def _import_form(request: HttpRequest, hash_list: HashList, data=None, files=None):
    if not has_perm(request.user, HashesPerm.ADD, hash_list.centre_id):
        return None
    return forms.ImportForm(data, files, max_bytes=settings.HASHES_MAX_IMPORT_BYTES, prefix="import")


@require_POST
@permission_required(HashesPerm.ADD)
def list_import(request: HttpRequest, list_id) -> HttpResponse:
    """Upload a list file; the task worker imports it and its page shows the progress."""
    hash_list = _managed_list(request, list_id)
    form = _import_form(request, hash_list, request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, hash_list, import_form=form, status=400)
    data = form.cleaned_data
    job = actions.start_import(
        hash_list,
        by=request.user,
        upload=data["file"],
        fmt=data["fmt"],
        algorithm=data["algorithm"],
        classification=data["classification"],
    )
    return redirect("hashes:import_job", job_id=job.pk)


@permission_required(HashesPerm.VIEW)
def import_job(request: HttpRequest, job_id) -> HttpResponse:
    """An import's progress (reloading itself on request until the job ends), then its report."""
    jobs = ImportJob.objects.visible_to(request.user).select_related("hash_list", "created_by").defer("content")
    job = access_object(jobs, pk=job_id)
    # Reloading only when asked (and only until the end): an automatic refresh the user cannot stop
    # would move a screen reader's or keyboard user's place on the page.
    auto_update = request.GET.get("auto") == "1" and not job.finished
    return render(request, "hashes/import_job.html", {"job": job, "auto_update": auto_update})


@require_POST
@permission_required(HashesPerm.ADD)
def entry_toggle(request: HttpRequest, list_id, entry_id) -> HttpResponse:
    hash_list = _managed_list(request, list_id)
    entry = access_object(hash_list.entries.all(), pk=entry_id)
    actions.set_entry_active(entry, by=request.user, active=not entry.is_active)
    messages.success(request, _("The entry was enabled.") if not entry.is_active else _("The entry was disabled."))
    return redirect("hashes:list", list_id=hash_list.pk)


@permission_required(HashesPerm.VIEW)
def list_export(request: HttpRequest, list_id) -> HttpResponse:
    hash_list = _list_for(request, list_id)
    fmt = request.GET.get("format", "csv")
    if fmt not in importer.FORMATS:
        fmt = "csv"
    record(
        "hashes.list_exported",
        actor=request.user,
        centre_id=hash_list.centre_id,
        obj=hash_list,
        changes={"format": fmt},
    )
    entries = hash_list.entries.filter(is_active=True).order_by("algorithm", "value").iterator(chunk_size=5000)
    content_type = {"csv": "text/csv", "jsonl": "application/x-ndjson", "txt": "text/plain"}[fmt]
    response = StreamingHttpResponse(importer.export(entries, fmt), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hashes-{hash_list.pk}.{fmt}"'
    return response


@memory_uploads
@permission_required(HashesPerm.VIEW)
def lookup(request: HttpRequest, upload_handler: CappedMemoryUploadHandler) -> HttpResponse:
    context = {"pdq_available": pdq_available()}
    if request.method != "POST":
        context["form"] = forms.LookupForm()
        return render(request, "hashes/lookup.html", context)
    form = forms.LookupForm(request.POST, request.FILES, too_large=upload_handler.too_large)
    context["form"] = form
    if not form.is_valid():
        return render(request, "hashes/lookup.html", context, status=400)
    wanted = list(form.cleaned_data["hashes"])
    upload = form.cleaned_data.get("file")
    if upload:
        file_hashes = hash_bytes(upload.read())
        upload.close()  # the bytes are dropped here; only the hashes go on
        context["file_hashes"] = file_hashes
        wanted.extend(file_hashes.values())
    context["matches"] = matches_for(wanted, user=request.user)
    context["queried"] = len(dict.fromkeys(wanted))
    return render(request, "hashes/lookup.html", context)
