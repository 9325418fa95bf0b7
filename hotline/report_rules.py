"""The rules of a public report, as plain functions: the page's form and the API apply the same ones.

The API validates with ``clean_report`` (no Django form: building one costs more CPU than storing
the report); the page's ``ReportForm`` keeps its fields for rendering and calls the rules below.
The messages are Django's own or ours, translated either way.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.utils.translation import gettext_lazy as _

from core.canonical_urls import InvalidURL, canonicalize
from hotline import taxonomy

MAX_URLS = 20
MAX_WHERE_SEEN = 200
MAX_DESCRIPTION = 2000
MAX_EMAIL = 254
TEXT_LIMITS = {"where_seen": MAX_WHERE_SEEN, "description": MAX_DESCRIPTION, "contact_email": MAX_EMAIL}

REQUIRED = forms.Field.default_error_messages["required"]
INVALID_CHOICE = forms.ChoiceField.default_error_messages["invalid_choice"]
CHOOSE_COUNTRY = _("Choose a country from the list.")
SPECIAL_CHARACTERS = _("Remove the special characters from this text.")
HARM_TYPES = frozenset(taxonomy.HarmType.values)
AGE_BANDS = frozenset(taxonomy.AgeBand.values)


def has_control_characters(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf") and char not in allowed for char in text)


def country_code(value: str) -> str | None:
    """The code as stored (upper case), or None when it cannot be a country's code."""
    code = (value or "").strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def url_lines(urls: list[str]) -> list[str]:
    """The addresses given, blank lines left out; refuses none or more than twenty."""
    lines = [line.strip() for line in urls if line.strip()]
    if not lines:
        raise ValidationError(_("Enter at least one web address."), code="required")
    if len(lines) > MAX_URLS:
        raise ValidationError(_("You can report up to 20 web addresses at once."))
    return lines


def canonical_urls(lines: list[str]) -> list[str]:
    """Each address in canonical form, repeats removed; every refused address named by its number."""
    canonical, errors = [], []
    for number, url in enumerate(lines, start=1):
        try:
            canonical.append(canonicalize(url))
        except InvalidURL as exc:
            errors.append(_("Address %(number)s: %(problem)s") % {"number": number, "problem": exc.message})
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(canonical))


def text_errors(data: dict) -> dict[str, str]:
    """Control characters where people type text (line breaks only in the description)."""
    errors = {}
    for name in ("where_seen", "description", "contact_email"):
        allowed = "\n\r\t" if name == "description" else ""
        if has_control_characters(data.get(name) or "", allowed):
            errors[name] = SPECIAL_CHARACTERS
    return errors


def contact_errors(data: dict) -> dict[str, str]:
    """An email needs the consent to use it, and the consent needs an email."""
    if data.get("contact_email") and not data.get("consent_to_contact"):
        return {"consent_to_contact": _("Tick this box if we may write to you, or leave the email empty.")}
    if data.get("consent_to_contact") and not data.get("contact_email"):
        return {"contact_email": _("Enter your email so that we can write to you.")}
    return {}


def clean_report(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The API's body (already typed by its schema): (cleaned data, errors by field).

    The same rules and messages as the page's form. The covering centre is not looked up here:
    storing the report does that in the statement that takes its number.
    """
    errors: dict[str, list] = {}
    cleaned = {name: (data.get(name) or "").strip() for name in ("where_seen", "description", "contact_email")}
    cleaned.update(
        reporter_is_child=data.get("reporter_is_child"), consent_to_contact=bool(data.get("consent_to_contact"))
    )
    cleaned["country"] = country_code(data.get("country") or "")
    if cleaned["country"] is None:
        errors["country"] = [CHOOSE_COUNTRY if (data.get("country") or "").strip() else REQUIRED]
    harm_type = data.get("harm_type") or ""
    if harm_type not in HARM_TYPES:
        errors["harm_type"] = [INVALID_CHOICE % {"value": harm_type} if harm_type else REQUIRED]
    cleaned["harm_type"] = harm_type
    age_band = data.get("age_band") or ""
    if age_band and age_band not in AGE_BANDS:
        errors["age_band"] = [INVALID_CHOICE % {"value": age_band}]
    # An age band only describes a child.
    cleaned["age_band"] = age_band if cleaned["reporter_is_child"] is True else ""
    try:
        cleaned["urls"] = canonical_urls(url_lines(data.get("urls") or []))
    except ValidationError as exc:
        errors["urls"] = exc.messages
    for name, limit in TEXT_LIMITS.items():
        try:
            MaxLengthValidator(limit)(cleaned[name])
        except ValidationError as exc:
            errors[name] = exc.messages
    if cleaned["contact_email"] and "contact_email" not in errors:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError as exc:
            errors["contact_email"] = exc.messages
    # As in a form: the rules across fields see only the fields that passed their own checks.
    valid = {name: value for name, value in cleaned.items() if name not in errors}
    for name, message in {**text_errors(valid), **contact_errors(valid)}.items():
        errors.setdefault(name, []).append(message)
    return cleaned, {name: [str(message) for message in messages] for name, messages in errors.items()}
