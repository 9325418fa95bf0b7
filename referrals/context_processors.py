"""The unread notification count for the page header (wired in settings.TEMPLATES, see the report)."""

from django.utils.functional import SimpleLazyObject

from referrals.queries import unread_count


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    # Lazy: the count query runs only when a template shows it.
    return {"referrals_unread": SimpleLazyObject(lambda: unread_count(user))}
