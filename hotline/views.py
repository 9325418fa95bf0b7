"""Staff pages of the hotline: the queue, an item and its steps, the centre's figures. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.actions import record
from core.access import (
    access_centre,
    access_object,
    centres_with,
    has_perm,
    permission_required,
)
from hashes.actions import CONFIRMED_LIST_NAME
from hashes.hashing import CappedMemoryUploadHandler, hash_bytes, memory_uploads, pdq_available
from hotline import actions, forms, queries, taxonomy
from hotline.figures import REMOVAL_DAYS, centre_figures
from hotline.models import Item
from hotline.permissions import HotlinePerm
from hotline.queries import queue as queue_items
from hotline.steps import STEPS
from hotline.waiting import waiting_for

PAGE_SIZE = 50


@permission_required(HotlinePerm.VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    # Reads only: attaching is the loop's job (manage.py attach_reports --loop); when it is
    # behind, the page says how many reports wait at the reader's centres.
    filters = forms.QueueFilterForm(request.GET or None)
    page = Paginator(queue_items(request.user, filters.params()), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "waiting": waiting_for(request.user)}
    return render(request, "hotline/queue.html", context)


@require_POST
@permission_required(HotlinePerm.SUPERVISE)
def attach_now(request: HttpRequest, centre_id) -> HttpResponse:
    """A supervisor attaches a batch of their centre's waiting reports while the loop is stopped."""
    centre = access_centre(request.user, centre_id, HotlinePerm.SUPERVISE)
    attached = actions.attach_waiting_at(centre, by=request.user)
    if attached:
        messages.success(
            request, ngettext("%(n)d report attached.", "%(n)d reports attached.", attached) % {"n": attached}
        )
    else:
        messages.info(request, _("No report was waiting to be attached."))
    return redirect("hotline:queue")


def _item_for(request: HttpRequest, item_id, code: str = HotlinePerm.VIEW) -> Item:
    return access_object(
        Item.objects.visible_to(request.user, code).select_related("assigned_to", "centre"), pk=item_id
    )


def _detail(
    request: HttpRequest, item: Item, bound: dict | None = None, status: int = 200, hash_form=None
) -> HttpResponse:
    can_assess = has_perm(request.user, HotlinePerm.ASSESS, item.centre_id) and item.is_open
    item_hashes = queries.hashes_with_matches(item, request.user)
    # "Apply this classification": a known hash's classification pre-fills the assessment, which
    # the analyst still checks and saves. Only a classification shown on the page is taken.
    shown = {match.entry.classification for _h, matches in item_hashes for match in matches}
    applied = request.GET.get("apply", "")
    applied = applied if can_assess and not bound and applied in shown else ""
    step_forms = {}
    if can_assess:
        initial = _initial(item)
        if applied:
            initial["assess"]["assessment"] = actions.ASSESSMENT_OF[applied]
            initial["assess"]["flags"] = sorted({*item.flags, taxonomy.Flag.KNOWN})
        step_forms = {
            key: (bound or {}).get(key) or step.form(initial=initial.get(key), prefix=key)
            for key, step in STEPS.items()
        }
    assign_form = None
    if item.is_open and has_perm(request.user, HotlinePerm.SUPERVISE, item.centre_id):
        assign_form = forms.AssignForm(centre=item.centre, initial={"to": item.assigned_to_id})
    context = {
        "item": item,
        "steps": [(key, STEPS[key].title, form) for key, form in step_forms.items()],
        "assign_form": assign_form,
        "events": item.events.select_related("by"),
        "reports": item.reports.order_by("received_at"),
        "item_hashes": item_hashes,
        "can_assess": can_assess,
        "applied": applied,
        "hash_form": (hash_form or forms.ItemHashesForm()) if can_assess else None,
        "pdq_available": pdq_available(),
        "confirmed_list": CONFIRMED_LIST_NAME.format(code=item.centre.code),
    }
    return render(request, "hotline/item.html", context, status=status)


def _initial(item: Item) -> dict:
    return {
        "assess": {
            "assessment": item.assessment,
            "content_type": item.content_type,
            "site_type": item.site_type,
            "victim_age": item.victim_age,
            "victim_gender": item.victim_gender,
            "flags": item.flags,
            "notes": item.notes,
        },
        "trace": {
            "ip_address": item.ip_address,
            "hosting_provider": item.hosting_provider,
            "hosting_country": item.hosting_country,
            "registrar": item.registrar,
        },
        "forward": {"country": item.hosting_country},
    }


@permission_required(HotlinePerm.VIEW)
def item_detail(request: HttpRequest, item_id) -> HttpResponse:
    item = _item_for(request, item_id)
    record("hotline.item_viewed", actor=request.user, centre_id=item.centre_id, obj=item)  # a sensitive read
    return _detail(request, item)


@require_POST
@permission_required(HotlinePerm.ASSESS)
def item_step(request: HttpRequest, item_id, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    item = _item_for(request, item_id, HotlinePerm.ASSESS)
    form = STEPS[step].form(request.POST, prefix=step)  # each step's fields are named "<step>-<field>"
    if not form.is_valid():
        return _detail(request, item, {step: form}, status=400)
    try:
        STEPS[step].action(item, by=request.user, **form.cleaned_data)
    except actions.HotlineError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved: %(step)s.") % {"step": STEPS[step].title})
    return redirect("hotline:item", item_id=item.pk)


@require_POST
@permission_required(HotlinePerm.SUPERVISE)
def item_assign(request: HttpRequest, item_id) -> HttpResponse:
    item = _item_for(request, item_id, HotlinePerm.SUPERVISE)
    form = forms.AssignForm(request.POST, centre=item.centre)
    if not form.is_valid():
        messages.error(request, _("Choose someone who can assess reports at this centre."))
    else:
        try:
            actions.assign_item(item, to=form.cleaned_data["to"], by=request.user)
            messages.success(request, _("Assigned."))
        except actions.HotlineError as exc:
            messages.error(request, exc.message)
    return redirect("hotline:item", item_id=item.pk)


@require_POST
@memory_uploads
@permission_required(HotlinePerm.ASSESS)
def item_hashes(request: HttpRequest, item_id, upload_handler: CappedMemoryUploadHandler) -> HttpResponse:
    item = _item_for(request, item_id, HotlinePerm.ASSESS)
    form = forms.ItemHashesForm(request.POST, request.FILES, too_large=upload_handler.too_large)
    if not form.is_valid():
        return _detail(request, item, status=400, hash_form=form)
    values = [(algorithm, value, None) for algorithm, value in form.cleaned_data["hashes"]]
    upload = form.cleaned_data.get("file")
    if upload:
        values += hash_bytes(upload.read()).to_keep()
        upload.close()  # the bytes are dropped here; only the hashes go on
    try:
        added = actions.add_item_hashes(item, by=request.user, values=values, source="file" if upload else "pasted")
    except actions.HotlineError as exc:
        messages.error(request, exc.message)
    else:
        if upload:
            messages.success(request, _("The file was read in memory and discarded: only its hashes were kept."))
        messages.success(
            request,
            ngettext("%(n)d hash added.", "%(n)d hashes added.", len(added)) % {"n": len(added)}
            if added
            else _("The item already has these hashes."),
        )
    return redirect(reverse("hotline:item", kwargs={"item_id": item.pk}) + "#hashes")


@require_POST
@permission_required(HotlinePerm.ASSESS)
def item_hash_remove(request: HttpRequest, item_id, hash_id) -> HttpResponse:
    item = _item_for(request, item_id, HotlinePerm.ASSESS)
    item_hash = access_object(item.hashes.all(), pk=hash_id)
    try:
        actions.remove_item_hash(item, item_hash, by=request.user)
    except actions.HotlineError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The hash was removed from this item."))
    return redirect(reverse("hotline:item", kwargs={"item_id": item.pk}) + "#hashes")


@permission_required(HotlinePerm.VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    centres = centres_with(request.user, HotlinePerm.VIEW)
    chosen = request.GET.get("centre")
    centre = access_centre(request.user, chosen, HotlinePerm.VIEW) if chosen else centres[0]
    period = forms.PeriodForm(request.GET or None)
    start, end = period.period()
    context = {
        "centre": centre,
        "centres": centres,
        "period": period,
        "start": start,
        "end": end,
        "figures": centre_figures(centre.pk, start, end),
        "removal_days": REMOVAL_DAYS,
        "waiting": waiting_for(request.user),
    }
    return render(request, "hotline/dashboard.html", context)
