"""Charts drawn on the server as SVG: no script, no library, no CDN."""

from __future__ import annotations

import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Room on either side for the axis labels, which are centred on their spoke and can be long.
_LABEL_ROOM = 80


def assessment_radar(assessment, scores: list, maximum: int) -> str:
    """The radar of an assessment's domain scores, titled with its country and period."""
    title = _("Domain scores of %(country)s, %(period)s") % {
        "country": assessment.country.display_name,
        "period": assessment.period,
    }
    return radar_svg(
        [domain.display_name for domain, _score in scores],
        [score for _domain, score in scores],
        maximum=maximum,
        title=title,
    )


def radar_svg(
    labels: list[str], values: list[float | None], *, maximum: int, title: str, size: int = 320
) -> SafeString:
    """A radar (spider) chart; the title and a text list next to it carry the same information."""
    centre = size / 2
    radius = size / 2 - 40
    count = max(len(labels), 3)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * (value / maximum if maximum else 0)
        return round(centre + distance * math.cos(angle), 1), round(centre + distance * math.sin(angle), 1)

    rings = format_html_join(
        "",
        '<polygon points="{}" fill="none" stroke="#c9d0d8" stroke-width="1"/>',
        ((" ".join(f"{x},{y}" for x, y in (point(i, step) for i in range(count))),) for step in range(1, maximum + 1)),
    )
    axes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c9d0d8" stroke-width="1"/>',
        ((centre, centre, *point(i, maximum)) for i in range(count)),
    )
    names = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#1b1f24">{}</text>',
        ((*point(i, maximum * 1.15), label) for i, label in enumerate(labels)),
    )
    shape = " ".join(f"{x},{y}" for x, y in (point(i, value or 0) for i, value in enumerate(values)))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-{pad} 0 {width} {size}" width="{width}" height="{size}" '
        'role="img" aria-labelledby="{id}"><title id="{id}">{title}</title>{rings}{axes}'
        '<polygon points="{shape}" fill="#0b5cad" fill-opacity="0.3" stroke="#0b5cad" stroke-width="2"/>{names}</svg>',
        size=size,
        pad=_LABEL_ROOM,
        width=size + 2 * _LABEL_ROOM,
        id=f"radar-{abs(hash(title)) % 10**8}",
        title=title,
        rings=rings,
        axes=axes,
        shape=shape,
        names=names,
    )
