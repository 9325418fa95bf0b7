"""Pages of the referrals app: thin views that parse, access, act and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import record
from core.access import (
    access_centre,
    access_object,
    centre_ids_with,
    centres_with,
    permission_required,
)
from helpline.models import Case
from helpline.permissions import HelplinePerm
from hotline.models import Item
from hotline.permissions import HotlinePerm
from network.permissions import NetworkPerm
from notify import queries as notify_queries
from referrals import actions, forms, packets, queries
from referrals.models import (
    SERVICE_ACT_PERMISSION,
    SERVICE_PERMISSION,
    Referral,
    ReferralService,
    ReferralSettings,
)

# Seeing referrals of some service somewhere, and working one (taking steps, sending).
VIEW_CODES = tuple(dict.fromkeys(SERVICE_PERMISSION.values()))
ACT_CODES = tuple(dict.fromkeys(SERVICE_ACT_PERMISSION.values()))


def _referral(request: HttpRequest, referral_id) -> Referral:
    queryset = Referral.objects.visible_to(request.user).select_related("sender", "receiver", "sent_by")
    return access_object(queryset, pk=referral_id)


def _list(request: HttpRequest, direction: str) -> HttpResponse:
    side = queries.incoming if direction == "incoming" else queries.outgoing
    context = {
        "referrals": list(side(request.user)[:200]),
        "direction": direction,
        "managed_centres": centres_with(request.user, NetworkPerm.CENTRE_MANAGE),
    }
    return render(request, "referrals/list.html", context)


@permission_required(*VIEW_CODES)
def incoming(request: HttpRequest) -> HttpResponse:
    return _list(request, "incoming")


@permission_required(*VIEW_CODES)
def outgoing(request: HttpRequest) -> HttpResponse:
    return _list(request, "outgoing")


def _detail(request: HttpRequest, referral: Referral, bound: dict | None = None, status: int = 200) -> HttpResponse:
    bound = bound or {}
    as_receiver = queries.can_act(request.user, referral, "receiver")
    as_sender = queries.can_act(request.user, referral, "sender")
    context = {
        "referral": referral,
        "narrative": referral.narrative,
        "packet_rows": packets.display_rows(referral),
        "messages_list": referral.messages.select_related("centre").all(),
        "as_receiver": as_receiver,
        "as_sender": as_sender,
        "decline_form": bound.get("decline") or forms.DeclineForm(prefix="decline"),
        "complete_form": bound.get("complete") or forms.CompleteForm(prefix="complete"),
        "message_form": bound.get("message") or forms.MessageForm(prefix="message"),
    }
    return render(request, "referrals/detail.html", context, status=status)


@permission_required(*VIEW_CODES)
def detail(request: HttpRequest, referral_id) -> HttpResponse:
    referral = _referral(request, referral_id)
    # Reading a packet is a read of case data, logged under the reader's own centre.
    record(
        "referrals.viewed", actor=request.user, centre_id=queries.reader_centre_id(request.user, referral), obj=referral
    )
    return _detail(request, referral)


RECEIVER_STEPS = {"acknowledge", "accept", "decline", "start", "complete"}
SENDER_STEPS = {"revoke"}


@require_POST
@permission_required(*ACT_CODES)
def step(request: HttpRequest, referral_id, step: str) -> HttpResponse:
    if step not in RECEIVER_STEPS | SENDER_STEPS | {"message"}:
        raise Http404
    referral = _referral(request, referral_id)
    as_receiver = queries.can_act(request.user, referral, "receiver")
    as_sender = queries.can_act(request.user, referral, "sender")
    if (step in RECEIVER_STEPS and not as_receiver) or (step in SENDER_STEPS and not as_sender):
        raise PermissionDenied
    if step == "message" and not (as_receiver or as_sender):
        raise PermissionDenied
    form_class = {"decline": forms.DeclineForm, "complete": forms.CompleteForm, "message": forms.MessageForm}.get(step)
    data = {}
    if form_class:
        form = form_class(request.POST, prefix=step)
        if not form.is_valid():
            return _detail(request, referral, {step: form}, status=400)
        data = form.cleaned_data
    try:
        if step == "message":
            centre = referral.receiver if as_receiver else referral.sender
            actions.post_message(referral, by=request.user, centre=centre, text=data["text"])
        else:
            getattr(actions, step)(referral, by=request.user, **data)
    except actions.ReferralError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("referrals:detail", referral_id=referral.pk)


@permission_required(HotlinePerm.ASSESS)
def send_item(request: HttpRequest, item_id) -> HttpResponse:
    item = access_object(Item.objects.visible_to(request.user, HotlinePerm.ASSESS), pk=item_id)
    form = forms.SendItemForm(request.POST or None, service=ReferralService.HOTLINE, exclude_id=item.centre_id)
    external = forms.ExternalForm(prefix="external")
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.send_hotline_item(
                item, by=request.user, receiver=form.cleaned_data["receiver"], note=form.cleaned_data["note"]
            )
        except actions.ReferralError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("referrals:detail", referral_id=referral.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "referrals/send_item.html", {"item": item, "form": form, "external": external}, status=status
    )


@require_POST
@permission_required(HotlinePerm.ASSESS)
def send_external(request: HttpRequest, item_id) -> HttpResponse:
    item = access_object(Item.objects.visible_to(request.user, HotlinePerm.ASSESS), pk=item_id)
    external = forms.ExternalForm(request.POST, prefix="external")
    if not external.is_valid():
        form = forms.SendItemForm(service=ReferralService.HOTLINE, exclude_id=item.centre_id)
        context = {"item": item, "form": form, "external": external}
        return render(request, "referrals/send_item.html", context, status=400)
    referral = actions.send_external(
        item,
        by=request.user,
        target=external.cleaned_data["target"],
        name=external.cleaned_data["name"],
        reference=external.cleaned_data["reference"],
    )
    messages.success(request, _("External referral recorded."))
    return redirect("referrals:detail", referral_id=referral.pk)


@permission_required(HelplinePerm.LOG)
def send_case(request: HttpRequest, case_id) -> HttpResponse:
    case = access_object(Case.objects.visible_to(request.user), pk=case_id)
    form = forms.SendCaseForm(request.POST or None, service=ReferralService.HELPLINE, exclude_id=case.centre_id)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.send_helpline_case(
                case,
                by=request.user,
                receiver=form.cleaned_data["receiver"],
                summary=form.cleaned_data["summary"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except actions.ReferralError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("referrals:detail", referral_id=referral.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/send_case.html", {"case": case, "form": form}, status=status)


@permission_required(NetworkPerm.COORDINATE)
def network(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/network.html", {"rows": queries.network_figures()})


@permission_required(*ACT_CODES)
def information_request(request: HttpRequest) -> HttpResponse:
    senders = {
        service: centre_ids_with(request.user, code)
        for service, code in SERVICE_ACT_PERMISSION.items()
        if centre_ids_with(request.user, code)
    }
    form = forms.InformationRequestForm(request.POST or None, senders=senders)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.send_information_request(
                sender=form.cleaned_data["sender"],
                receiver=form.cleaned_data["receiver"],
                service=form.cleaned_data["service"],
                by=request.user,
                question=form.cleaned_data["question"],
            )
        except actions.ReferralError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Request sent."))
            return redirect("referrals:detail", referral_id=referral.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/information_request.html", {"form": form}, status=status)


# --- A centre's referral settings: deadlines (managers) -------------------------------------------


@permission_required(NetworkPerm.CENTRE_MANAGE)
def centre_settings(request: HttpRequest, centre_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, NetworkPerm.CENTRE_MANAGE)
    conf = ReferralSettings.objects.filter(centre=centre).first() or ReferralSettings(centre=centre)
    initial = {"acknowledge_hours": conf.acknowledge_hours, "act_hours": conf.act_hours}
    form = forms.DeadlinesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_deadlines(centre, by=request.user, **form.cleaned_data)
        except actions.ReferralError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:centre_settings", centre_id=centre.pk)
    context = {
        "centre": centre,
        "form": form,
        # The centre's webhook endpoints are notify's pages (events of every app); linked from here.
        "endpoint_count": notify_queries.endpoints_of(centre).count(),
        "dead_count": notify_queries.dead_letters_of(centre).count(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/centre_settings.html", context, status=status)
