"""Vocabulary every app shares and no app owns (codes are stable identifiers; labels are translated).

The kinds of harm are the network's (INHOPE and Insafe practice): the hotline's reports, the
public form (children read these labels), a helpline escalation and a referral's packet all use
the same codes, so they live below every app that names them.
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
