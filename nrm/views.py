"""Staff pages of the nrm app: assessments, ratings, action plans, the comparison and exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import access_object, country_ids_with, permission_required
from nrm import actions, charts, exports, queries
from nrm.forms import ActionItemForm, ActionItemUpdateForm, AssessmentForm, EditorForm, RatingForm, SummaryForm
from nrm.models import ActionItem, Assessment, Capability, Editor, EvidenceFile
from nrm.permissions import NrmPerm


@permission_required(NrmPerm.READ)
def assessments(request: HttpRequest) -> HttpResponse:
    editable = queries.editable_country_ids(request.user)
    form = AssessmentForm(request.POST or None, country_ids=editable)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = actions.create_assessment(
                form.cleaned_data["country"],
                framework=queries.current_framework(),
                period=form.cleaned_data["period"],
                by=request.user,
            )
        except IntegrityError:
            form.add_error("period", _("This country already has an assessment for this period."))
        else:
            messages.success(request, _("The assessment is created."))
            return redirect("nrm:assessment", assessment_id=assessment.pk)
    items = Assessment.objects.visible_to(request.user).select_related("country")
    context = {
        "assessments": items,
        "form": form if editable else None,
        "can_name_editors": bool(country_ids_with(request.user, NrmPerm.EDIT)),
    }
    return render(request, "nrm/assessments.html", context)


def _assessment_context(request: HttpRequest, assessment: Assessment) -> dict:
    levels = queries.levels_of(assessment.framework)
    ratings = queries.ratings_by_number(assessment)
    domains = queries.domains_of(assessment.framework)
    level_values = {number: rating.level for number, rating in ratings.items()}
    scores = queries.domain_scores(domains, level_values)
    editable_countries = queries.editable_country_ids(request.user)
    return {
        "assessment": assessment,
        "domains": [
            {
                "domain": domain,
                "score": score,
                "rows": [
                    (c, ratings.get(c.number), levels.get(ratings[c.number].level) if c.number in ratings else None)
                    for c in domain.capabilities.all()
                ],
            }
            for domain, score in scores
        ],
        "radar": charts.assessment_radar(assessment, scores, max(levels) if levels else 4),
        "items": assessment.action_items.select_related("capability").prefetch_related("comments"),
        "can_edit": assessment.country_id in editable_countries and assessment.is_editable,
        "can_plan": assessment.country_id in editable_countries,
        "is_coordinator": queries.is_coordinator(request.user),
        "item_form": ActionItemForm(framework=assessment.framework),
        "summary_form": SummaryForm(initial={"summary": assessment.summary}),
        "others": Assessment.objects.visible_to(request.user)
        .filter(country=assessment.country)
        .exclude(pk=assessment.pk),
    }


@permission_required(NrmPerm.READ)
def assessment(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    return render(request, "nrm/assessment.html", _assessment_context(request, item))


@permission_required(NrmPerm.READ)
def rate(request: HttpRequest, assessment_id, number: int) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    queries.require_editor(request.user, item)
    capability = get_object_or_404(Capability, domain__framework=item.framework, number=number)
    rating = queries.ratings_by_number(item).get(number)
    initial = {}
    if rating:
        initial = {f: getattr(rating, f) for f in ("level", "evidence", "links", "gaps", "recommendations")}
    levels = list(queries.levels_of(item.framework).values())
    form = RatingForm(request.POST or None, request.FILES or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.rate_capability(
                item,
                capability,
                by=request.user,
                level=data["level"],
                evidence=data["evidence"],
                links=data["links"],
                gaps=data["gaps"],
                recommendations=data["recommendations"],
                upload=data["document"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The rating is saved."))
            return redirect("nrm:assessment", assessment_id=item.pk)
    context = {"assessment": item, "capability": capability, "rating": rating, "form": form}
    return render(request, "nrm/rate.html", context)


@permission_required(NrmPerm.READ)
def evidence(request: HttpRequest, file_id) -> FileResponse:
    document = access_object(EvidenceFile.objects.visible_to(request.user), pk=file_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never rendered inline: a PDF viewer in the page is an attack surface.
    return FileResponse(handle, as_attachment=True, filename=document.original_name, content_type="application/pdf")


TRANSITIONS = {
    "submit": (actions.submit_assessment, False, gettext_lazy("The assessment is submitted for validation.")),
    "validate": (actions.validate_assessment, True, gettext_lazy("The assessment is validated.")),
    "reopen": (actions.reopen_assessment, True, gettext_lazy("The assessment is reopened.")),
}


@require_POST
@permission_required(NrmPerm.READ)
def transition(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    name = request.POST.get("action", "")
    try:
        if name in ("publish", "unpublish"):
            queries.require_coordinator(request.user)
            actions.set_published(item, by=request.user, published=name == "publish")
            messages.success(request, _("The publication is updated."))
        elif name in TRANSITIONS:
            action, coordinator_only, message = TRANSITIONS[name]
            if coordinator_only:
                queries.require_coordinator(request.user)
            else:
                queries.require_editor(request.user, item)
            action(item, by=request.user)
            messages.success(request, message)
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("nrm:assessment", assessment_id=item.pk)


@require_POST
@permission_required(NrmPerm.READ)
def summary(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    queries.require_editor(request.user, item)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            actions.update_summary(item, by=request.user, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The summary is saved."))
        return redirect("nrm:assessment", assessment_id=item.pk)
    context = _assessment_context(request, item)
    context["summary_form"] = form
    return render(request, "nrm/assessment.html", context, status=400)


@require_POST
@permission_required(NrmPerm.READ)
def add_action_item(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    queries.require_editor(request.user, item)
    form = ActionItemForm(request.POST, framework=item.framework)
    if form.is_valid():
        actions.add_action_item(item, by=request.user, **form.cleaned_data)
        messages.success(request, _("The action item is added."))
        return redirect("nrm:assessment", assessment_id=item.pk)
    context = _assessment_context(request, item)
    context["item_form"] = form
    return render(request, "nrm/assessment.html", context, status=400)


@permission_required(NrmPerm.READ)
def action_item(request: HttpRequest, item_id) -> HttpResponse:
    item = access_object(
        ActionItem.objects.visible_to(request.user).select_related("assessment__country", "capability"), pk=item_id
    )
    can_edit = item.assessment.country_id in queries.editable_country_ids(request.user)
    form = ActionItemUpdateForm(request.POST or None, initial={"status": item.status})
    if request.method == "POST":
        queries.require_editor(request.user, item.assessment)
        if form.is_valid():
            actions.update_action_item(item, by=request.user, **form.cleaned_data)
            messages.success(request, _("The action item is updated."))
            return redirect("nrm:action_item", item_id=item.pk)
    context = {"item": item, "form": form if can_edit else None, "comments": item.comments.select_related("author")}
    return render(request, "nrm/action_item.html", context)


def _comparison_context(request: HttpRequest, *, page: bool = False) -> dict:
    """What the comparison page and its exports show; the SVG radars only for the page."""
    framework = queries.current_framework()
    levels = queries.levels_of(framework)
    domains = queries.domains_of(framework)
    rows = queries.comparison(request.user, framework, domains=domains)
    maximum = max(levels) if levels else 4
    context = {
        "framework": framework,
        "capabilities": queries.capabilities_of(framework),
        "domains": domains,
        "levels": levels,
        "rows": rows,
        "overdue": queries.overdue_items(request.user),
    }
    if page:
        context["radars"] = [
            (row, charts.assessment_radar(row.assessment, row.scores, maximum)) for row in rows if row.assessment
        ]
    return context


@permission_required(NrmPerm.COMPARE)
def compare(request: HttpRequest) -> HttpResponse:
    return render(request, "nrm/compare.html", _comparison_context(request, page=True))


@permission_required(NrmPerm.READ)
def change(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    other_id = request.GET.get("other")
    if other_id:
        other = queries.access_assessment(request.user, other_id)
        if other.country_id != item.country_id:
            raise Http404
    else:
        # Same country as ``item``, which the user may already read.
        other = queries.previous_assessment(item, request.user)
    levels = queries.levels_of(item.framework)
    now = {n: r.level for n, r in queries.ratings_by_number(item).items()}
    before = {n: r.level for n, r in queries.ratings_by_number(other).items()} if other else {}
    rows = [
        {
            "capability": c,
            "before": levels.get(before.get(c.number, 0)),
            "now": levels.get(now.get(c.number, 0)),
            "delta": now.get(c.number, 0) - before.get(c.number, 0),
        }
        for c in queries.capabilities_of(item.framework)
    ]
    return render(request, "nrm/change.html", {"assessment": item, "other": other, "rows": rows})


@permission_required(NrmPerm.READ)
def assessment_csv(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    return exports.assessment_csv(item)


@permission_required(NrmPerm.READ)
def assessment_pdf(request: HttpRequest, assessment_id) -> HttpResponse:
    item = queries.access_assessment(request.user, assessment_id)
    return exports.assessment_pdf(item)


@permission_required(NrmPerm.COMPARE)
def compare_csv(request: HttpRequest) -> HttpResponse:
    return exports.comparison_csv(_comparison_context(request))


@permission_required(NrmPerm.COMPARE)
def compare_pdf(request: HttpRequest) -> HttpResponse:
    return exports.comparison_pdf(_comparison_context(request))


@permission_required(NrmPerm.EDIT)
def editors(request: HttpRequest) -> HttpResponse:
    # Only role holders (managers) name editors: an editor cannot name more editors.
    countries = country_ids_with(request.user, NrmPerm.EDIT)
    form = EditorForm(request.POST or None, country_ids=countries)
    if request.method == "POST" and form.is_valid():
        actions.name_editor(form.cleaned_data["country"], form.cleaned_data["user"], by=request.user)
        messages.success(request, _("The editor is named."))
        return redirect("nrm:editors")
    items = Editor.objects.filter(country_id__in=countries).select_related("country", "user")
    return render(request, "nrm/editors.html", {"editors": items, "form": form})


@require_POST
@permission_required(NrmPerm.EDIT)
def remove_editor(request: HttpRequest, editor_id) -> HttpResponse:
    countries = country_ids_with(request.user, NrmPerm.EDIT)
    editor = access_object(Editor.objects.filter(country_id__in=countries).select_related("country"), pk=editor_id)
    actions.remove_editor(editor, by=request.user)
    messages.success(request, _("The editor is removed."))
    return redirect("nrm:editors")
