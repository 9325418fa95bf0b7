"""The unread notification count in every signed-in page's header (one indexed count query)."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from notify.queries import unread_count


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    # Lazy: the query runs only when a template shows the count (pages without the header skip it).
    return {
        "notifications_url": reverse("notify:notifications"),
        "notifications_unread": SimpleLazyObject(lambda: unread_count(user)),
    }
