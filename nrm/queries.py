"""Reads of the nrm app: scoping by country, the comparison across the network, scores."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch

from core.access import access_object, country_ids_with
from network.models import Country
from nrm.models import ActionItem, Assessment, Capability, Domain, Editor, Framework, MaturityLevel, Rating, Status
from nrm.permissions import NrmPerm


def current_framework() -> Framework:
    return Framework.objects.filter(is_current=True).order_by("-version").first() or Framework.objects.latest(
        "created_at"
    )


def editable_country_ids(user) -> set:
    """Countries whose assessments the user edits: by role, or named editor while still a member there."""
    ids = set(country_ids_with(user, NrmPerm.EDIT))
    member_of = country_ids_with(user, NrmPerm.READ)
    if member_of and getattr(user, "pk", None):
        ids |= set(Editor.objects.filter(user=user, country_id__in=member_of).values_list("country_id", flat=True))
    return ids


def is_coordinator(user) -> bool:
    return bool(country_ids_with(user, NrmPerm.VALIDATE))


def access_assessment(user, assessment_id) -> Assessment:
    """The assessment if the user may read it, else 404."""
    queryset = Assessment.objects.visible_to(user).select_related("country", "framework", "validated_by")
    return access_object(queryset, pk=assessment_id)


def require_editor(user, assessment: Assessment) -> None:
    """403 for a reader of the assessment who may not edit it (a stranger already got 404)."""
    if assessment.country_id not in editable_country_ids(user):
        raise PermissionDenied


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied


def levels_of(framework: Framework) -> dict[int, MaturityLevel]:
    return {level.level: level for level in MaturityLevel.objects.filter(framework=framework)}


def capabilities_of(framework: Framework) -> list[Capability]:
    return list(Capability.objects.filter(domain__framework=framework).select_related("domain").order_by("number"))


def domains_of(framework: Framework) -> list[Domain]:
    return list(
        Domain.objects.filter(framework=framework).prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.order_by("number"))
        )
    )


def ratings_by_number(assessment: Assessment) -> dict[int, Rating]:
    ratings = Rating.objects.of(assessment=assessment).select_related("capability").prefetch_related("files")
    return {rating.capability.number: rating for rating in ratings}


def domain_scores(domains: list[Domain], levels: dict[int, int]) -> list[tuple[Domain, float | None]]:
    """Mean level of the rated capabilities (level > 0) of each domain; None when none is rated."""
    scores = []
    for domain in domains:
        rated = [levels[c.number] for c in domain.capabilities.all() if levels.get(c.number)]
        scores.append((domain, round(sum(rated) / len(rated), 1) if rated else None))
    return scores


@dataclass
class ComparisonRow:
    """One country's line of the heatmap: its latest assessment the user may see, and its levels."""

    country: Country
    assessment: Assessment | None
    levels: dict[int, int] = field(default_factory=dict)
    scores: list = field(default_factory=list)


def comparison(
    user, framework: Framework, *, published_only: bool = False, domains: list[Domain] | None = None
) -> list[ComparisonRow]:
    """Every network country with its latest validated assessment, or the user's own latest draft."""
    own = set() if published_only else Assessment.objects.visible_to(user).values_list("country_id", flat=True)
    own_ids = set(own)
    candidates = Assessment.objects.published() if published_only else Assessment.objects.shared_with(user)
    candidates = candidates.filter(framework=framework).select_related("country").order_by("-period")
    if published_only:
        candidates = candidates.filter(status=Status.VALIDATED, is_published=True)
    latest: dict = {}
    for assessment in candidates:
        if assessment.country_id in latest:
            continue
        if published_only or assessment.status == Status.VALIDATED or assessment.country_id in own_ids:
            latest[assessment.country_id] = assessment
    levels: dict = {a.pk: {} for a in latest.values()}
    for rating in Rating.objects.of(assessment__in=list(latest.values())).values(
        "assessment_id", "capability__number", "level"
    ):
        levels[rating["assessment_id"]][rating["capability__number"]] = rating["level"]
    domains = domains if domains is not None else domains_of(framework)
    rows = []
    for country in Country.objects.filter(in_network=True):
        assessment = latest.get(country.pk)
        if published_only and assessment is None:
            continue
        country_levels = levels.get(assessment.pk, {}) if assessment else {}
        rows.append(ComparisonRow(country, assessment, country_levels, domain_scores(domains, country_levels)))
    return rows


def overdue_items(user):
    """Open action items past their due date, across the countries the user may see."""
    return ActionItem.objects.visible_to(user).overdue().select_related("assessment__country", "capability")


def previous_assessment(assessment: Assessment, user) -> Assessment | None:
    return (
        Assessment.objects.visible_to(user)
        .filter(country=assessment.country, period__lt=assessment.period)
        .order_by("-period")
        .first()
    )
