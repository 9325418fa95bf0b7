"""Template helpers of the hotline: reported URLs as inert text, shares as percentages."""

from functools import cache

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.canonical_urls import defang as defang_url

register = template.Library()


@register.filter
def defang(url: str) -> str:
    return defang_url(url or "")


@register.filter
def percent(value) -> str:
    """A share (0.25) as the reader's language writes a percentage: "25%", "25 %"."""
    if value is None:
        return "—"
    return _("%(number)s%%") % {"number": number_format(round(value * 100))}


@register.filter
def hours(value) -> str:
    """Hours (1.5) with the reader's decimal mark and unit: "1.5 h", "1,5 orë"."""
    if value is None:
        return "—"
    return _("%(number)s h") % {"number": number_format(value)}


# Timeline details shown elsewhere on the entry (hashes, partner outcome), or not for reading.
_NOT_SHOWN = {"report", "assigned_to", "notes_changed", "hashes_confirmed", "added", "source", "referral", "partner"}


@cache
def _step_fields() -> dict:
    from hotline.steps import STEPS

    fields = {}
    for step in STEPS.values():
        fields.update(step.form.base_fields)
    return fields


def _shown(field, value) -> str:
    choices = {str(key): label for key, label in getattr(field, "choices", None) or []}
    if isinstance(value, bool):
        key = "yes" if value else "no"
        return str(choices[key]) if key in choices else (_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(choices.get(str(v), v)) for v in value)
    return str(choices.get(str(value), value))


@register.filter
def event_details(event) -> list[tuple[str, str]]:
    """A timeline entry's details as (label, value) in the reader's language: the labels and the
    choices' names come from the step forms that recorded them; empty values are left out."""
    fields = _step_fields()
    shown = []
    for key, value in (event.details or {}).items():
        if key in _NOT_SHOWN or value in (None, "", []) or key not in fields:
            continue
        shown.append((str(fields[key].label), _shown(fields[key], value)))
    return shown
