"""Pages of notify: thin views that parse, access, act and render.

A user's own notifications (any signed-in user), and a centre's webhook endpoints and undelivered
events (``centre.manage`` at that centre; another centre's manager gets 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import access_centre, access_object, permission_required
from network.permissions import NetworkPerm
from notify import actions, forms, queries
from notify.models import WebhookEndpoint

MANAGE = NetworkPerm.CENTRE_MANAGE


# --- A user's notifications ------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    # The unread count is the page header's (notify.context_processors): all of them.
    context = {
        "notifications": queries.notifications_of(request.user)[:100],
        "email_on": queries.wants_email(request.user),
    }
    return render(request, "notify/notifications.html", context)


@require_POST
@login_required
def email_preference(request: HttpRequest) -> HttpResponse:
    actions.set_email_preference(by=request.user, email=request.POST.get("email") == "on")
    messages.success(request, _("Saved."))
    return redirect("notify:notifications")


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id) -> HttpResponse:
    notification = access_object(queries.notifications_of(request.user), pk=notification_id)
    actions.mark_read(notification, by=request.user)
    # A path in this site only (written by the app that notified; never an outside address).
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notify:notifications")


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(by=request.user)
    return redirect("notify:notifications")


# --- A centre's webhook endpoints and undelivered events (managers) --------------------------------


def _endpoint(centre, endpoint_id) -> WebhookEndpoint:
    return access_object(queries.endpoints_of(centre), pk=endpoint_id)


@permission_required(MANAGE)
def webhooks(request: HttpRequest, centre_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    context = {
        "centre": centre,
        "endpoints": list(queries.endpoints_of(centre)),
        "dead_count": queries.dead_letters_of(centre).count(),
    }
    return render(request, "notify/webhooks.html", context)


def _secret_page(request: HttpRequest, endpoint: WebhookEndpoint, secret: str) -> HttpResponse:
    """The signing secret, shown this once: it is stored encrypted and never displayed again."""
    return render(
        request, "notify/webhook_secret.html", {"centre": endpoint.centre, "endpoint": endpoint, "secret": secret}
    )


@permission_required(MANAGE)
def webhook_new(request: HttpRequest, centre_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    form = forms.WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = actions.create_endpoint(centre, by=request.user, **form.cleaned_data)
        except actions.NotifyError as exc:
            form.add_error(None, exc.message)
        else:
            return _secret_page(request, endpoint, secret)
    status = 400 if request.method == "POST" else 200
    return render(request, "notify/webhook_form.html", {"centre": centre, "form": form}, status=status)


@permission_required(MANAGE)
def webhook_edit(request: HttpRequest, centre_id, endpoint_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    endpoint = _endpoint(centre, endpoint_id)
    initial = {"url": endpoint.url, "events": endpoint.events}
    form = forms.WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_endpoint(endpoint, by=request.user, **form.cleaned_data)
        except actions.NotifyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("notify:webhooks", centre_id=centre.pk)
    status = 400 if request.method == "POST" else 200
    context = {"centre": centre, "form": form, "endpoint": endpoint}
    return render(request, "notify/webhook_form.html", context, status=status)


@require_POST
@permission_required(MANAGE)
def webhook_active(request: HttpRequest, centre_id, endpoint_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    endpoint = _endpoint(centre, endpoint_id)
    active = request.POST.get("active") == "1"
    try:
        actions.set_endpoint_active(endpoint, by=request.user, active=active)
    except actions.NotifyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Endpoint enabled.") if active else _("Endpoint disabled."))
    return redirect("notify:webhooks", centre_id=centre.pk)


@require_POST
@permission_required(MANAGE)
def webhook_rotate(request: HttpRequest, centre_id, endpoint_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    endpoint = _endpoint(centre, endpoint_id)
    secret = actions.rotate_secret(endpoint, by=request.user)
    return _secret_page(request, endpoint, secret)


@permission_required(MANAGE)
def dead_letters(request: HttpRequest, centre_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    deliveries = list(queries.dead_letters_of(centre)[:200])
    return render(request, "notify/dead_letters.html", {"centre": centre, "deliveries": deliveries})


@require_POST
@permission_required(MANAGE)
def retry_delivery(request: HttpRequest, centre_id, delivery_id) -> HttpResponse:
    centre = access_centre(request.user, centre_id, MANAGE)
    delivery = access_object(queries.deliveries_of(centre), pk=delivery_id)
    try:
        actions.retry_delivery(delivery, by=request.user)
    except actions.NotifyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Queued again."))
    return redirect("notify:dead_letters", centre_id=centre.pk)
