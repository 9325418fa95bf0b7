"""The hotline taxonomy (INHOPE practice), copied from the network's reference data into code.

Codes are stable identifiers used by the API and the import; labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The public form's choices live with the words the public sees, the kinds of harm with the
# network's shared vocabulary; the rest of the hotline finds them here.
from core.taxonomy import HarmType  # noqa: F401
from hotline.public_messages import AgeBand  # noqa: F401


class Source(models.TextChoices):
    WEB_FORM = "web_form", _("Public web form")
    PUBLIC_API = "public_api", _("Public API")
    PARTNER_HOTLINE = "partner_hotline", _("Partner hotline")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    INDUSTRY = "industry", _("Industry")
    PROACTIVE = "proactive", _("Proactive search")
    HELPLINE_ESCALATION = "helpline_escalation", _("Helpline escalation")
    IMPORT = "import", _("Imported record")


class Assessment(models.TextChoices):
    BASELINE = "baseline", _("Illegal everywhere (INTERPOL baseline)")
    NATIONAL = "national", _("Illegal under national law")
    NOT_ILLEGAL = "not_illegal", _("Not illegal")
    UNAVAILABLE = "unavailable", _("Content no longer available")
    OUT_OF_REMIT = "out_of_remit", _("Outside the hotline's remit")


ILLEGAL_ASSESSMENTS = (Assessment.BASELINE, Assessment.NATIONAL)


class ContentType(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    IMAGE_AND_VIDEO = "image_video", _("Image and video")
    TEXT = "text", _("Text")
    LIVE_STREAM = "live_stream", _("Live stream")
    ARCHIVE = "archive", _("Archive or file")
    OTHER = "other", _("Other")


class SiteType(models.TextChoices):
    IMAGE_HOST = "image_host", _("Image host")
    FILE_HOST = "file_host", _("File host")
    FORUM = "forum", _("Forum or board")
    SOCIAL_NETWORK = "social_network", _("Social network")
    WEBSITE = "website", _("Website")
    VIDEO_PLATFORM = "video_platform", _("Video platform")
    CHAT = "chat", _("Chat or messaging")
    SEARCH_RESULT = "search_result", _("Search result")
    REDIRECTOR = "redirector", _("Redirector")
    CLOUD_STORAGE = "cloud_storage", _("Cloud storage")
    OTHER = "other", _("Other")


class VictimAge(models.TextChoices):
    INFANT = "infant", _("Infant or toddler (0-2)")
    PRE_PUBESCENT = "pre_pubescent", _("Pre-pubescent (3-12)")
    PUBESCENT = "pubescent", _("Pubescent (13-17)")
    UNKNOWN = "unknown", _("Unknown")


class VictimGender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    BOTH = "both", _("Both")
    UNKNOWN = "unknown", _("Unknown")


class Flag(models.TextChoices):
    SELF_GENERATED = "self_generated", _("Self-generated")
    AI_GENERATED = "ai_generated", _("AI-generated or synthetic")
    COMMERCIAL = "commercial", _("Commercial")
    NEW = "new", _("First seen (new content)")
    KNOWN = "known", _("Known (matched a hash list)")


class Outcome(models.TextChoices):
    REMOVED = "removed", _("Content removed")
    NOT_ILLEGAL = "not_illegal", _("Not illegal: no action")
    UNAVAILABLE = "unavailable", _("Content was not available")
    FORWARDED = "forwarded", _("Forwarded to another hotline")
    OUT_OF_REMIT = "out_of_remit", _("Outside the hotline's remit")
    OTHER = "other", _("Other")


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB_FORM = "web_form", _("Provider's web form")
    API = "api", _("Provider's API")
    POST = "post", _("Letter")
    OTHER = "other", _("Other")
