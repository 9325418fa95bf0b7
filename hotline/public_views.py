"""The public report page and the status page: anonymous, phone-first, in every language."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hotline import actions, throttle
from hotline import public_messages as msg
from hotline.public_forms import PublicReportForm, StatusForm
from hotline.queries import helpline_for, public_status, report_by_token
from hotline.taxonomy import Source

MAX_BODY_BYTES = 32 * 1024
# Where "leave this site quickly" goes: an everyday page that says nothing about why one was here.
NEUTRAL_SITE = "https://www.wikipedia.org/"


def _private(response: HttpResponse) -> HttpResponse:
    # A reference and its secret code must not stay in a shared cache or the back button's copy.
    add_never_cache_headers(response)
    return response


def report(request: HttpRequest) -> HttpResponse:
    language = get_language()
    if request.method != "POST":
        form = PublicReportForm(language=language, initial={"submission_id": secrets.token_urlsafe(16)})
        return render(request, "hotline/public/report.html", {"form": form})
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return render(request, "hotline/public/problem.html", {"problem": msg.TOO_LONG}, status=413)
    form = PublicReportForm(request.POST, language=language)
    if not form.is_valid():
        if throttle.over_limit_after_attempt(request):
            return _too_many(request, form)
        return render(request, "hotline/public/report.html", {"form": form}, status=400)
    data = form.cleaned_data
    submission_id = data.pop("submission_id") or secrets.token_urlsafe(16)
    data.pop("website")
    try:
        created, _new = actions.accept_report(
            **data,
            centre_id=form.centre_id,
            source=Source.WEB_FORM,
            language=language,
            idempotency_key=f"form:{submission_id}",
            client=throttle.client_hash(request),
        )
    except throttle.Throttled:
        return _too_many(request, form)
    except actions.HotlineError as exc:  # the URLs were made canonical while validating
        form.add_error(None, exc.message)
        return render(request, "hotline/public/report.html", {"form": form}, status=400)
    context = {
        "report": created,
        "token": actions.status_token_for(created),
        "helpline": helpline_for(created.country),
        "is_child": created.reporter_is_child,
    }
    return _private(render(request, "hotline/public/report_done.html", context, status=201))


def _too_many(request: HttpRequest, form) -> HttpResponse:
    form.add_error(None, msg.TOO_MANY)
    return render(request, "hotline/public/report.html", {"form": form}, status=429)


def status(request: HttpRequest) -> HttpResponse:
    """The coarse status of a report, for whoever holds its reference and secret code (sent by POST)."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    context: dict = {"form": form}
    if form.is_valid():
        found = report_by_token(form.cleaned_data["reference"], form.cleaned_data["token"])
        if found is None:
            form.add_error(None, _("We could not find a report with this reference and secret code."))
        else:
            context.update(report=found, status=public_status(found))
    return _private(render(request, "hotline/public/status.html", context))


def leave(request: HttpRequest) -> HttpResponse:
    """The "leave this site quickly" link: pages link here (never off-site), this sends the visitor on."""
    return _private(HttpResponseRedirect(getattr(settings, "HOTLINE_LEAVE_URL", NEUTRAL_SITE)))
