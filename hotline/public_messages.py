"""Words the public sees, kept in a public_* module so translators know children read them.

The kinds of harm, age bands and coarse statuses of the public form and status page, and the
reasons a report is refused (used by the page, the public API and the URL rules alike).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HarmType(models.TextChoices):
    CSAM = "csam", _("Child sexual abuse material")
    GROOMING = "grooming", _("Grooming or sexual approach to a child")
    SEXTORTION = "sextortion", _("Sexual blackmail of a child (sextortion)")
    NCII = "ncii", _("Intimate images shared without consent")
    CYBERBULLYING = "cyberbullying", _("Cyberbullying")
    TRAFFICKING = "trafficking", _("Trafficking or exploitation of children")
    SELF_HARM = "self_harm", _("Self-harm or suicide promotion")
    HATE = "hate", _("Hate speech or violent extremism")
    OTHER = "other", _("Other harmful content")


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", _("Under 13")
    FROM_13_TO_15 = "13_15", _("13 to 15")
    FROM_16_TO_17 = "16_17", _("16 or 17")


class PublicStatus(models.TextChoices):
    """The coarse status a reporter may see: never any detail of the assessment."""

    RECEIVED = "received", _("Received")
    BEING_ASSESSED = "being_assessed", _("Being assessed")
    ACTION_TAKEN = "action_taken", _("Action taken")
    CLOSED = "closed", _("Closed")


# Why a web address is refused
URL_MISSING = _("Enter a web address.")
URL_TOO_LONG = _("This web address is too long.")
URL_BAD_CHARACTERS = _("This web address contains spaces or characters that are not allowed.")
URL_UNREADABLE = _("This web address could not be read.")
URL_NOT_WEB = _("Only web addresses starting with http:// or https:// can be reported.")
URL_NO_HOST = _("This web address has no site name.")
URL_BAD_HOST = _("The site name in this web address is not valid.")
URL_PRIVATE = _("This web address points to a private or local network, not the internet.")

# Why a report is refused
URL_COUNT = _("Give between 1 and 20 web addresses.")
NO_HOTLINE = _("No hotline takes reports for this country yet.")
NOT_STORED = _("The report could not be stored. Please try again.")
TOO_LONG = _("Your report is too long.")
TOO_MANY = _("Too many reports from this device. Please wait a few minutes and try again.")
HAS_ERRORS = _("The report has errors; nothing was stored.")
NO_SUCH_REPORT = _("No report with this reference and token.")
