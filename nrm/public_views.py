"""The public page of the nrm app: validated assessment summaries the coordinator published."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from nrm import charts, queries


def summaries(request: HttpRequest) -> HttpResponse:
    framework = queries.current_framework()
    levels = queries.levels_of(framework)
    # Only validated and published assessments: never a draft, never an unpublished one.
    rows = queries.comparison(None, framework, published_only=True)
    maximum = max(levels) if levels else 4
    radars = [
        (
            row,
            charts.radar_svg(
                [domain.display_name for domain, _score in row.scores],
                [score for _domain, score in row.scores],
                maximum=maximum,
                title=_("Domain scores of %(country)s, %(period)s")
                % {"country": row.country.display_name, "period": row.assessment.period},
            ),
        )
        for row in rows
    ]
    context = {
        "rows": rows,
        "radars": radars,
        "capabilities": queries.capabilities_of(framework),
        "domains": queries.domains_of(framework),
        "levels": levels,
    }
    return render(request, "nrm/public/summaries.html", context)
