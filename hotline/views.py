"""Staff pages of the hotline: the queue, an item and its steps, the centre's figures. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import record
from core.access import access_centre, access_object, centre_ids_with, has_perm, memberships_of, permission_required
from core.permissions import Perm
from hotline import actions, forms
from hotline.figures import REMOVAL_DAYS, centre_figures
from hotline.models import Item
from hotline.queries import queue as queue_items
from hotline.steps import STEPS

PAGE_SIZE = 50


@permission_required(Perm.HOTLINE_VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    filters = forms.QueueFilterForm(request.GET or None)
    page = Paginator(queue_items(request.user, filters.params()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/queue.html", {"filters": filters, "page": page})


def _item_for(request: HttpRequest, item_id, code: str = Perm.HOTLINE_VIEW) -> Item:
    return access_object(
        Item.objects.visible_to(request.user, code).select_related("assigned_to", "centre"), pk=item_id
    )


def _detail(request: HttpRequest, item: Item, bound: dict | None = None, status: int = 200) -> HttpResponse:
    can_assess = has_perm(request.user, Perm.HOTLINE_ASSESS, item.centre_id) and item.is_open
    step_forms = {}
    if can_assess:
        initial = _initial(item)
        step_forms = {
            key: (bound or {}).get(key) or step.form(initial=initial.get(key), prefix=key)
            for key, step in STEPS.items()
        }
    assign_form = None
    if item.is_open and has_perm(request.user, Perm.HOTLINE_SUPERVISE, item.centre_id):
        assign_form = forms.AssignForm(centre=item.centre, initial={"to": item.assigned_to_id})
    context = {
        "item": item,
        "steps": [(key, STEPS[key].title, form) for key, form in step_forms.items()],
        "assign_form": assign_form,
        "events": item.events.select_related("by"),
        "reports": item.reports.order_by("received_at"),
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


@permission_required(Perm.HOTLINE_VIEW)
def item_detail(request: HttpRequest, item_id) -> HttpResponse:
    item = _item_for(request, item_id)
    record("hotline.item_viewed", actor=request.user, centre_id=item.centre_id, obj=item)  # a sensitive read
    return _detail(request, item)


@require_POST
@permission_required(Perm.HOTLINE_ASSESS)
def item_step(request: HttpRequest, item_id, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    item = _item_for(request, item_id, Perm.HOTLINE_ASSESS)
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
@permission_required(Perm.HOTLINE_SUPERVISE)
def item_assign(request: HttpRequest, item_id) -> HttpResponse:
    item = _item_for(request, item_id, Perm.HOTLINE_SUPERVISE)
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


@permission_required(Perm.HOTLINE_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    centres = [
        m.centre
        for m in memberships_of(request.user)
        if m.centre_id in centre_ids_with(request.user, Perm.HOTLINE_VIEW)
    ]
    centres = list({c.pk: c for c in centres}.values())
    chosen = request.GET.get("centre")
    centre = access_centre(request.user, chosen, Perm.HOTLINE_VIEW) if chosen else centres[0]
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
    }
    return render(request, "hotline/dashboard.html", context)
