"""CSV and PDF exports of an assessment and of the regional comparison (charts drawn by reportlab)."""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.exports import pdf_font, safe_cell
from nrm import queries
from nrm.models import Assessment


def csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response


def assessment_csv(assessment: Assessment) -> HttpResponse:
    levels = queries.levels_of(assessment.framework)
    ratings = queries.ratings_by_number(assessment)
    header = [
        _("Number"),
        _("Capability"),
        _("Level"),
        _("Level name"),
        _("Evidence"),
        _("Links"),
        _("Gaps"),
        _("Recommendations"),
    ]
    rows = []
    for capability in queries.capabilities_of(assessment.framework):
        rating = ratings.get(capability.number)
        level = rating.level if rating else 0
        rows.append(
            [
                capability.number,
                capability.display_name,
                level,
                levels[level].display_name if level in levels else "",
                rating.evidence if rating else "",
                " ".join(rating.link_list) if rating else "",
                rating.gaps if rating else "",
                rating.recommendations if rating else "",
            ]
        )
    return csv_response(f"nrm-{assessment.country.code}-{assessment.period}.csv", header, rows)


def comparison_csv(context: dict) -> HttpResponse:
    capabilities = context["capabilities"]
    header = [_("Country"), _("Period"), _("Status")] + [f"{c.number} {c.display_name}" for c in capabilities]
    rows = [
        [
            row.country.display_name,
            row.assessment.period if row.assessment else "",
            row.assessment.get_status_display() if row.assessment else _("Not assessed"),
        ]
        + [row.levels.get(c.number, 0) for c in capabilities]
        for row in context["rows"]
    ]
    return csv_response("nrm-comparison.csv", header, rows)


def _p(text, style) -> Paragraph:
    # Paragraph reads its text as markup: user text is escaped so "<" is a character, not a tag.
    return Paragraph(escape(str(text)), style)


def _styles():
    font = pdf_font()
    styles = getSampleStyleSheet()
    for name in ("Normal", "Title", "Heading2", "Heading3"):
        styles[name].fontName = font
    return styles, font


def _table(data: list[list], font: str, widths=None) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f4f6f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _radar(labels: list[str], values: list[float | None], maximum: int) -> Drawing:
    drawing = Drawing(260, 220)
    chart = SpiderChart()
    chart.x, chart.y, chart.width, chart.height = 40, 20, 180, 180
    chart.data = [[value or 0 for value in values]]
    chart.labels = labels
    chart.strands[0].fillColor = colors.Color(0.04, 0.36, 0.68, alpha=0.3)
    chart.strands[0].strokeColor = colors.HexColor("#0b5cad")
    chart.strandLabels.fontSize = 6
    chart.spokeLabels.fontSize = 7
    chart.spokeLabels.fontName = pdf_font()
    # A fixed scale, so that two countries' charts can be compared at a glance.
    chart.strands[0].strokeWidth = 1.5
    chart.data[0] = [min(v, maximum) for v in chart.data[0]]
    chart.spokes.strokeColor = colors.lightgrey
    drawing.add(chart)
    return drawing


def _pdf_response(filename: str, story: list, *, wide: bool = False) -> HttpResponse:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4) if wide else A4, title=filename)
    document.build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def assessment_pdf(assessment: Assessment) -> HttpResponse:
    styles, font = _styles()
    levels = queries.levels_of(assessment.framework)
    ratings = queries.ratings_by_number(assessment)
    domains = queries.domains_of(assessment.framework)
    scores = queries.domain_scores(domains, {n: r.level for n, r in ratings.items()})
    story = [
        _p(_("National Response Model assessment"), styles["Title"]),
        _p(
            f"{assessment.country.display_name} · {assessment.period} · {assessment.get_status_display()}",
            styles["Heading2"],
        ),
        _radar([d.display_name for d, _s in scores], [s for _d, s in scores], max(levels) if levels else 4),
        _table([[_("Domain"), _("Score")]] + [[d.display_name, "–" if s is None else f"{s}"] for d, s in scores], font),
        Spacer(1, 12),
    ]
    data = [[_("Number"), _("Capability"), _("Level"), _("Gaps"), _("Recommendations")]]
    for capability in queries.capabilities_of(assessment.framework):
        rating = ratings.get(capability.number)
        level = rating.level if rating else 0
        data.append(
            [
                capability.number,
                _p(capability.display_name, styles["Normal"]),
                _p(f"{level} · {levels[level].display_name}" if level in levels else str(level), styles["Normal"]),
                _p(rating.gaps if rating else "", styles["Normal"]),
                _p(rating.recommendations if rating else "", styles["Normal"]),
            ]
        )
    story.append(_table(data, font, widths=[30, 120, 90, 130, 130]))
    return _pdf_response(f"nrm-{assessment.country.code}-{assessment.period}.pdf", story)


def comparison_pdf(context: dict) -> HttpResponse:
    styles, font = _styles()
    capabilities = context["capabilities"]
    maximum = max(context["levels"]) if context["levels"] else 4
    story = [_p(_("Regional comparison"), styles["Title"])]
    header = [_("Country")] + [str(c.number) for c in capabilities]
    data = [header] + [
        [row.country.display_name] + [str(row.levels.get(c.number, 0)) for c in capabilities] for row in context["rows"]
    ]
    story.append(_table(data, font))
    story.append(_p(", ".join(f"{c.number}: {c.display_name}" for c in capabilities), styles["Normal"]))
    for row in context["rows"]:
        if row.assessment is None:
            continue
        story.append(_p(f"{row.country.display_name} · {row.assessment.period}", styles["Heading3"]))
        story.append(_radar([d.display_name for d, _s in row.scores], [s for _d, s in row.scores], maximum))
    return _pdf_response("nrm-comparison.pdf", story, wide=True)
