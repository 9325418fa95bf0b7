"""The public page of the nrm app: validated assessment summaries the coordinator published."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nrm import charts, queries


def summaries(request: HttpRequest) -> HttpResponse:
    framework = queries.current_framework()
    levels = queries.levels_of(framework)
    # Only validated and published assessments: never a draft, never an unpublished one.
    domains = queries.domains_of(framework)
    rows = queries.comparison(None, framework, published_only=True, domains=domains)
    maximum = max(levels) if levels else 4
    radars = [(row, charts.assessment_radar(row.assessment, row.scores, maximum)) for row in rows]
    context = {
        "rows": rows,
        "radars": radars,
        "capabilities": queries.capabilities_of(framework),
        "domains": domains,
        "levels": levels,
    }
    return render(request, "nrm/public/summaries.html", context)
