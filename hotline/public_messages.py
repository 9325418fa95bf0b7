"""Words the public sees, kept in a public_* module so translators know children read them.

The age bands and coarse statuses of the public form and status page, and the reasons a report
is refused (used by the page and the public API alike). The kinds of harm are the network's
(core.taxonomy.HarmType), the reasons a URL is refused core.canonical_urls'.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


# Why a report is refused
URL_COUNT = _("Give between 1 and 20 web addresses.")
NO_HOTLINE = _("No hotline takes reports for this country yet.")
NOT_STORED = _("The report could not be stored. Please try again.")
TOO_LONG = _("Your report is too long.")
TOO_MANY = _("Too many reports from this device. Please wait a few minutes and try again.")
HAS_ERRORS = _("The report has errors; nothing was stored.")
NO_SUCH_REPORT = _("No report with this reference and token.")
