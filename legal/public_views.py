"""The public page of the legal app: the validated matrix of the countries the coordinator published."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from legal import queries


def matrix(request: HttpRequest) -> HttpResponse:
    countries = queries.published_countries()
    # own_ids empty: only validated entries are shown, never one edited since validation.
    groups = queries.matrix(countries, own_ids=set())
    return render(request, "legal/public/matrix.html", {"countries": countries, "groups": groups})
