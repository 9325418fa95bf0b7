"""Helpline pages: thin views that parse, fetch through the scoping helpers, act and render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import record
from core.access import access_centre, access_object, centres_with, country_ids_with, permission_required
from core.canonical_urls import InvalidURL
from helpline import actions, forms, queries
from helpline.models import (
    CASE_DATA_PERMISSION,
    QUICK_KINDS,
    Case,
    Channel,
    Contact,
    FollowUpTask,
    ServiceReferral,
    SupportService,
    UrgentAlert,
)
from helpline.paging import page_of
from helpline.permissions import HelplinePerm
from network.permissions import NetworkPerm

LOG = CASE_DATA_PERMISSION


def _centre_for_logging(request: HttpRequest):
    """The centre a new contact belongs to: the one chosen, or the user's only logging centre."""
    centres = queries.logging_centres(request.user)
    chosen = request.POST.get("centre") or request.GET.get("centre")
    if chosen:
        return access_centre(request.user, chosen, LOG)
    return centres[0]


def _unsaved(centre) -> Contact:
    # Validation only (the actions build the row): with no key, the form does not look up the
    # categories of a contact that cannot have any yet.
    return Contact(centre=centre, id=None)


def _contact(request: HttpRequest, contact_id) -> Contact:
    return access_object(
        Contact.objects.visible_to(request.user).select_related("centre", "counsellor", "case"), pk=contact_id
    )


def _own_draft(request: HttpRequest, contact_id) -> Contact:
    # Not the list's queryset: the form needs the summary and details that the list defers.
    drafts = Contact.objects.visible_to(request.user).filter(is_draft=True, counsellor=request.user)
    return access_object(drafts.select_related("centre"), pk=contact_id)


def _case(request: HttpRequest, case_id) -> Case:
    return access_object(Case.objects.visible_to(request.user).select_related("centre", "owner"), pk=case_id)


def _supervised_case(request: HttpRequest, case_id) -> Case:
    cases = Case.objects.visible_to(request.user).filter(centre_id__in=queries.supervised_centre_ids(request.user))
    return access_object(cases.select_related("centre", "owner"), pk=case_id)


# --- Contacts ------------------------------------------------------------------------------------


@permission_required(LOG)
def contact_list(request: HttpRequest) -> HttpResponse:
    page = page_of(queries.contact_list(request.user), request.GET.get("page"))
    return render(request, "helpline/contact_list.html", {"page": page})


def _form_page(request: HttpRequest, draft: Contact | None) -> HttpResponse:
    centre = draft.centre if draft else _centre_for_logging(request)
    if request.method == "POST":
        saving_draft = "save_draft" in request.POST
        form = forms.ContactForm(request.POST, instance=_unsaved(centre), draft=saving_draft)
        if saving_draft:
            form.is_valid()  # a draft keeps the valid fields, whatever the rest says
            draft = actions.save_draft(draft, centre=centre, by=request.user, data=form.action_data())
            messages.success(request, _("The draft is saved."))
            return redirect("helpline:contact_edit", contact_id=draft.pk)
        if form.is_valid():
            contact = actions.log_contact(draft, centre=centre, by=request.user, data=form.action_data())
            messages.success(request, _("The contact is logged."))
            return redirect("helpline:contact", contact_id=contact.pk)
    else:
        initial = {"identifier": ""}
        form = forms.ContactForm(instance=draft, initial=initial) if draft else forms.ContactForm(initial=initial)
    context = {
        "form": form,
        "draft": draft,
        "centre": centre,
        "categories": queries.categories_by_scheme(),
        "selected": {str(pk) for pk in (form["categories"].value() or [])},
        "quick_kinds": QUICK_KINDS,
        "channels": Channel.choices,
        "drafts": queries.drafts_of(request.user).order_by("-updated_at")[:10],
        "repeat": queries.repeat_contacts(draft, request.user) if draft else None,
    }
    return render(request, "helpline/contact_form.html", context)


@permission_required(LOG)
def contact_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@permission_required(LOG)
def contact_edit(request: HttpRequest, contact_id) -> HttpResponse:
    return _form_page(request, _own_draft(request, contact_id))


@require_POST
@permission_required(LOG)
def contact_autosave(request: HttpRequest) -> JsonResponse:
    """The script's endpoint: the form as typed so far, saved as the user's draft."""
    draft_id = request.POST.get("draft")
    draft = _own_draft(request, draft_id) if draft_id else None
    centre = draft.centre if draft else _centre_for_logging(request)
    form = forms.ContactForm(request.POST, instance=_unsaved(centre), draft=True)
    form.is_valid()
    draft = actions.save_draft(draft, centre=centre, by=request.user, data=form.action_data())
    return JsonResponse(
        {"draft": str(draft.pk), "edit_url": reverse("helpline:contact_edit", kwargs={"contact_id": draft.pk})}
    )


@require_POST
@permission_required(LOG)
def contact_discard(request: HttpRequest, contact_id) -> HttpResponse:
    actions.discard_draft(_own_draft(request, contact_id), by=request.user)
    messages.success(request, _("The draft is discarded."))
    return redirect("helpline:contact_new")


@require_POST
@permission_required(LOG)
def contact_quick(request: HttpRequest) -> HttpResponse:
    form = forms.QuickContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of contact and a channel."))
        return redirect("helpline:contact_new")
    contact = actions.log_quick_contact(centre=_centre_for_logging(request), by=request.user, **form.cleaned_data)
    messages.success(request, _("Logged: %(kind)s.") % {"kind": contact.get_kind_display()})
    return redirect("helpline:contact_new")


@permission_required(LOG)
def contact_detail(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _contact(request, contact_id)
    if contact.is_draft and contact.counsellor_id == request.user.pk:
        return redirect("helpline:contact_edit", contact_id=contact.pk)
    record("helpline.contact_viewed", actor=request.user, centre_id=contact.centre_id, obj=contact)
    context = {
        "contact": contact,
        "contact_categories": contact.categories.select_related("parent"),
        "repeat": queries.repeat_contacts(contact, request.user),
        "flag_form": forms.FlagForm(),
        "referrals": contact.referrals.select_related("service"),
        "escalations": contact.escalations.all(),
        "outcome_form": forms.OutcomeForm(),
    }
    return render(request, "helpline/contact_detail.html", context)


@require_POST
@permission_required(LOG)
def contact_flag(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _contact(request, contact_id)
    form = forms.FlagForm(request.POST)
    if not contact.identifier_hash:
        messages.error(request, _("This contact has no identifier to flag."))
    elif form.is_valid():
        actions.flag_identifier(contact, by=request.user, **form.cleaned_data)
        messages.success(request, _("The identifier is flagged."))
    else:
        messages.error(request, _("Choose a reason and a number of hours."))
    return redirect("helpline:contact", contact_id=contact.pk)


@require_POST
@permission_required(LOG)
def contact_open_case(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _contact(request, contact_id)
    if contact.case_id:
        return redirect("helpline:case", case_id=contact.case_id)
    case = actions.open_case(contact, by=request.user)
    messages.success(request, _("Case %(case)s is open.") % {"case": case.reference})
    return redirect("helpline:case", case_id=case.pk)


# --- Cases ---------------------------------------------------------------------------------------


@permission_required(LOG)
def case_list(request: HttpRequest) -> HttpResponse:
    cases = queries.case_list(request.user)
    status = request.GET.get("status", "")
    if status == "open":
        cases = cases.filter(status__in=("open", "in_progress", "reopened"))
    elif status:
        cases = cases.filter(status=status)
    if request.GET.get("mine"):
        cases = cases.filter(owner=request.user)
    page = page_of(cases, request.GET.get("page"))
    query = urlencode({key: value for key, value in request.GET.items() if key != "page"})
    return render(
        request, "helpline/case_list.html", {"page": page, "status": status, "query": f"{query}&" if query else ""}
    )


@permission_required(LOG)
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    case = _case(request, case_id)
    record("helpline.case_viewed", actor=request.user, centre_id=case.centre_id, obj=case)
    context = {
        "case": case,
        "timeline": queries.timeline(case),
        "case_form": forms.CaseForm(
            initial={"status": case.status, "risk_level": case.risk_level, "restricted": case.restricted}
        ),
        "note_form": forms.NoteForm(),
        "task_form": forms.TaskForm(),
        "link_form": forms.LinkContactForm(),
        "open_tasks": case.tasks.filter(done_at__isnull=True).select_related("assignee"),
        "supervises": case.centre_id in queries.supervised_centre_ids(request.user),
    }
    return render(request, "helpline/case_detail.html", context)


def _back_to(case: Case) -> HttpResponse:
    return redirect("helpline:case", case_id=case.pk)


@require_POST
@permission_required(LOG)
def case_update(request: HttpRequest, case_id) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.CaseForm(request.POST)
    if form.is_valid():
        actions.update_case(case, by=request.user, **form.cleaned_data)
        messages.success(request, _("The case is updated."))
    else:
        messages.error(request, _("Choose a status and a risk level."))
    return _back_to(case)


@require_POST
@permission_required(LOG)
def case_note(request: HttpRequest, case_id) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        actions.add_note(case, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The note is added."))
    else:
        messages.error(request, _("Write the note first."))
    return _back_to(case)


@require_POST
@permission_required(LOG)
def case_task(request: HttpRequest, case_id) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.TaskForm(request.POST)
    if form.is_valid():
        actions.add_task(case, by=request.user, **form.cleaned_data)
        messages.success(request, _("The follow-up task is scheduled."))
    else:
        messages.error(request, _("Say what to do and when it is due."))
    return _back_to(case)


@require_POST
@permission_required(LOG)
def task_done(request: HttpRequest, case_id, task_id) -> HttpResponse:
    case = _case(request, case_id)
    task = access_object(
        FollowUpTask.objects.of(case=case).filter(done_at__isnull=True).select_related("case"), pk=task_id
    )
    actions.complete_task(task, by=request.user)
    messages.success(request, _("The task is done."))
    return _back_to(case)


@require_POST
@permission_required(LOG)
def case_link(request: HttpRequest, case_id) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.LinkContactForm(request.POST)
    contacts = Contact.objects.visible_to(request.user).filter(centre_id=case.centre_id, is_draft=False)
    if form.is_valid() and (contact := contacts.filter(pk=form.cleaned_data["contact"]).first()):
        actions.link_contact(case, contact, by=request.user)
        messages.success(request, _("The contact is linked to the case."))
    else:
        messages.error(request, _("No contact of this centre has that reference."))
    return _back_to(case)


# --- Supervisors ---------------------------------------------------------------------------------


def _require_supervisor(request: HttpRequest) -> set:
    centre_ids = queries.supervised_centre_ids(request.user)
    if not centre_ids:
        raise PermissionDenied
    return centre_ids


@permission_required(HelplinePerm.SUPERVISE)
def supervisor_dashboard(request: HttpRequest) -> HttpResponse:
    from helpline.dashboard import dashboard_data

    centre_ids = _require_supervisor(request)
    return render(request, "helpline/supervisor.html", dashboard_data(request.user, centre_ids))


@require_POST
@permission_required(HelplinePerm.SUPERVISE)
def alert_acknowledge(request: HttpRequest, alert_id) -> HttpResponse:
    alert = access_object(
        UrgentAlert.objects.visible_to(request.user).filter(
            centre_id__in=queries.supervised_centre_ids(request.user), acknowledged_at__isnull=True
        ),
        pk=alert_id,
    )
    actions.acknowledge_alert(alert, by=request.user)
    messages.success(request, _("The alert is acknowledged."))
    return redirect("helpline:supervisor")


@require_POST
@permission_required(HelplinePerm.SUPERVISE)
def case_assign(request: HttpRequest, case_id) -> HttpResponse:
    from helpline.dashboard import counsellors_of

    case = _supervised_case(request, case_id)
    form = forms.AssignForm(request.POST, counsellors=counsellors_of(case.centre_id))
    if form.is_valid():
        actions.assign_case(case, by=request.user, owner=form.owner_user())
        messages.success(request, _("The case is reassigned."))
    else:
        messages.error(request, _("Choose a counsellor of the centre."))
    return redirect("helpline:supervisor")


@require_POST
@permission_required(HelplinePerm.SUPERVISE)
def case_close(request: HttpRequest, case_id) -> HttpResponse:
    case = _supervised_case(request, case_id)
    if not case.is_open:
        raise Http404
    actions.close_case(case, by=request.user)
    messages.success(request, _("Case %(case)s is closed.") % {"case": case.reference})
    return redirect("helpline:supervisor")


# --- Services and referrals ----------------------------------------------------------------------


@permission_required(HelplinePerm.VIEW)
def service_list(request: HttpRequest) -> HttpResponse:
    countries = country_ids_with(request.user, HelplinePerm.VIEW)
    services = SupportService.objects.filter(country_id__in=countries).select_related("country")
    context = {
        "services": services,
        "managed_centres": queries.managed_centres(request.user),
        "managed_countries": country_ids_with(request.user, NetworkPerm.CENTRE_MANAGE),
    }
    return render(request, "helpline/services.html", context)


def _service_form_page(request: HttpRequest, centre, service: SupportService | None) -> HttpResponse:
    form = forms.ServiceForm(request.POST if request.method == "POST" else None, instance=service)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in actions.SERVICE_FIELDS}
        # The form has already written the values onto the instance: the action compares with the row.
        fresh = SupportService.objects.get(pk=service.pk) if service else None
        actions.save_service(fresh, country=centre.country, by=request.user, centre_id=centre.pk, data=data)
        messages.success(request, _("The service is saved."))
        return redirect("helpline:services")
    return render(request, "helpline/service_form.html", {"form": form, "centre": centre, "service": service})


@permission_required(NetworkPerm.CENTRE_MANAGE)
def service_new(request: HttpRequest, centre_id) -> HttpResponse:
    return _service_form_page(request, access_centre(request.user, centre_id, NetworkPerm.CENTRE_MANAGE), None)


@permission_required(NetworkPerm.CENTRE_MANAGE)
def service_edit(request: HttpRequest, service_id) -> HttpResponse:
    centres = {c.country_id: c for c in queries.managed_centres(request.user)}
    service = access_object(SupportService.objects.filter(country_id__in=centres), pk=service_id)
    return _service_form_page(request, centres[service.country_id], service)


@permission_required(LOG)
def referral_new(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _contact(request, contact_id)
    data = request.POST if request.method == "POST" else None
    form = forms.ReferralForm(data, country=contact.centre.country_id, initial={"referred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.refer(contact, by=request.user, **form.cleaned_data)
        except actions.ConsentRequired:
            form.add_error(
                None, _("The contact has no consent to share: a supervisor can refer with a written reason.")
            )
        else:
            messages.success(request, _("The referral is recorded."))
            return redirect("helpline:contact", contact_id=contact.pk)
    return render(request, "helpline/referral_form.html", {"form": form, "contact": contact})


@require_POST
@permission_required(LOG)
def referral_outcome(request: HttpRequest, referral_id) -> HttpResponse:
    referral = access_object(ServiceReferral.objects.visible_to(request.user), pk=referral_id)
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        actions.set_referral_outcome(referral, by=request.user, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("The outcome is recorded."))
    return redirect("helpline:contact", contact_id=referral.contact_id)


# --- Retention -----------------------------------------------------------------------------------


@permission_required(NetworkPerm.CENTRE_MANAGE)
def retention_rule(request: HttpRequest, centre_id) -> HttpResponse:
    from helpline import retention
    from helpline.models import RetentionRule

    centre = access_centre(request.user, centre_id, NetworkPerm.CENTRE_MANAGE)
    rule = RetentionRule.objects.filter(centre=centre).first() or RetentionRule(centre=centre)
    initial = {"narrative_months": rule.narrative_months, "closed_case_years": rule.closed_case_years}
    form = forms.RetentionForm(
        request.POST if request.method == "POST" else None, initial={**initial, "is_active": rule.is_active}
    )
    if request.method == "POST" and form.is_valid():
        actions.save_retention_rule(centre, by=request.user, **form.cleaned_data)
        messages.success(request, _("The retention rule is saved."))
        return redirect("helpline:retention", centre_id=centre.pk)
    context = {"centre": centre, "form": form, "rule": rule, "plan": retention.dry_run(rule)}
    return render(request, "helpline/retention.html", context)


# --- Exports -------------------------------------------------------------------------------------


def _csv_response(request: HttpRequest, centre, rows: list, filename: str, shape: str) -> HttpResponse:
    from helpline.exports import to_csv

    record("helpline.export_downloaded", actor=request.user, centre_id=centre.pk, obj=centre, changes={"shape": shape})
    response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        raise Http404 from None
    if not low <= value <= high:
        raise Http404
    return value


@permission_required(HelplinePerm.SUPERVISE)
def export_chi(request: HttpRequest, centre_id) -> HttpResponse:
    from helpline.exports import chi_rows

    centre = access_centre(request.user, centre_id, HelplinePerm.SUPERVISE)
    year = _int_param(request, "year", timezone.localdate().year - 1, 2000, 2100)
    with translation.override("en"):  # the networks read English labels, whatever the user's language
        rows = chi_rows(centre, year)
    return _csv_response(request, centre, rows, f"chi-{centre.code}-{year}.csv", "chi")


@permission_required(HelplinePerm.SUPERVISE)
def export_insafe(request: HttpRequest, centre_id) -> HttpResponse:
    from helpline.exports import insafe_rows

    centre = access_centre(request.user, centre_id, HelplinePerm.SUPERVISE)
    today = timezone.localdate()
    year = _int_param(request, "year", today.year, 2000, 2100)
    quarter = _int_param(request, "quarter", (today.month - 1) // 3 + 1, 1, 4)
    with translation.override("en"):
        rows = insafe_rows(centre, year, quarter)
    return _csv_response(request, centre, rows, f"insafe-{centre.code}-{year}-q{quarter}.csv", "insafe")


@permission_required(HelplinePerm.SUPERVISE)
def exports(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "centres": centres_with(request.user, HelplinePerm.SUPERVISE),
        "year": today.year,
        "quarter": (today.month - 1) // 3 + 1,
    }
    return render(request, "helpline/exports.html", context)


# --- Escalation to the hotline -------------------------------------------------------------------


@permission_required(LOG)
def contact_escalate(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _contact(request, contact_id)
    form = forms.EscalationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.escalate_to_hotline(contact, by=request.user, **form.cleaned_data)
        except (actions.EscalationRefused, InvalidURL) as error:
            form.add_error("urls", error.message)
        else:
            # The hotline files the report in the background; the contact shows its reference then.
            messages.success(request, _("Sent to the hotline. Its report reference shows on this contact once filed."))
            return redirect("helpline:contact", contact_id=contact.pk)
    return render(request, "helpline/escalation_form.html", {"form": form, "contact": contact})
