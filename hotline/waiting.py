"""Reports accepted but not yet attached: how many wait, since when. Reads only.

Attaching is the loop's job (``manage.py attach_reports --loop``); the pages never attach. When
the loop is stopped or behind, the queue says so (``waiting_for``, scoped to the reader's
centres) and ``/readyz`` reports the lag (``attaching_lag``, registered in core.readiness).
Both read the small queue table ``PendingReport`` (a row per waiting report, deleted once
attached), so they cost one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import formats, timezone
from django.utils.timesince import timesince

from core import readiness
from core.access import centres_with, has_perm
from hotline.models import PendingReport
from hotline.permissions import HotlinePerm


def lag_threshold() -> timedelta:
    """How long the oldest report may wait before the queue and /readyz call attaching stopped."""
    return timedelta(seconds=settings.HOTLINE_ATTACH_LAG_SECONDS)


@dataclass(frozen=True)
class Waiting:
    """One centre's reports waiting longer than the threshold, as its queue shows them."""

    centre: object  # network.Centre
    count: int
    since: datetime  # receipt of the oldest waiting report
    waited: timedelta  # how long the oldest has waited
    can_attach: bool  # the reader may attach them now (HotlinePerm.SUPERVISE at that centre)

    @property
    def waited_text(self) -> str:
        """ "25 minutes", in the reader's language."""
        return timesince(self.since, self.since + self.waited)

    @property
    def since_text(self) -> str:
        """The oldest report's receipt in the reader's time zone and language: "14:05" today, else with the date."""
        local = timezone.localtime(self.since)
        time = formats.time_format(local, "H:i")  # 24-hour clock, as every language of the network writes it
        if local.date() == timezone.localdate():
            return time
        return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {time}"


def waiting_for(user, *, now: datetime | None = None) -> list[Waiting]:
    """The user's centres (HotlinePerm.VIEW) whose oldest waiting report is older than the threshold.

    One query; never a centre the user may not see, so never another centre's count.
    """
    centres = {centre.pk: centre for centre in centres_with(user, HotlinePerm.VIEW)}
    if not centres:
        return []
    now = now or timezone.now()
    cutoff = now - lag_threshold()
    rows = (
        PendingReport.objects.visible_to(user)
        .filter(centre_id__in=list(centres))
        .values("centre_id")
        .annotate(count=Count("pk"), since=Min("received_at"))
        .filter(since__lt=cutoff)
        .order_by()
    )
    return [
        Waiting(
            centre=centres[row["centre_id"]],
            count=row["count"],
            since=row["since"],
            waited=max(now - row["since"], timedelta(0)),
            can_attach=has_perm(user, HotlinePerm.SUPERVISE, row["centre_id"]),
        )
        for row in sorted(rows, key=lambda row: row["since"])
    ]


def attaching_lag() -> readiness.Check:
    """/readyz: the count of waiting reports and the oldest one's age, across the network.

    Numbers only (no centre, no report), so the probe reveals nothing of any centre's records.
    """
    now = timezone.now()
    found = PendingReport.objects.unscoped("readiness lag").aggregate(waiting=Count("pk"), oldest=Min("received_at"))
    age = max((now - found["oldest"]).total_seconds(), 0) if found["oldest"] else 0
    threshold = lag_threshold().total_seconds()
    status = readiness.LAGGING if age > threshold else readiness.OK
    numbers = {"waiting": found["waiting"], "oldest_seconds": round(age), "threshold_seconds": round(threshold)}
    return readiness.Check(status, numbers)
