"""CSV and PDF exports of the legal matrix."""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from core.exports import pdf_font, safe_cell


def _cells(countries, groups):
    for group, rows in groups:
        for row in rows:
            for country, entry in zip(countries, row.cells, strict=True):
                yield group, row.provision, country, entry


def matrix_csv(countries, groups) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="legal-matrix.csv"'
    writer = csv.writer(response)
    header = [_("Group"), _("Code"), _("Provision"), _("Country"), _("Status"), _("National law"), _("Article"),
              _("Note"), _("Source"), _("Last reviewed")]  # fmt: skip
    writer.writerow([safe_cell(h) for h in header])
    for group, provision, country, entry in _cells(countries, groups):
        values = [group, provision.code, provision.display_title, country.code]
        if entry is None:
            values += [_("Not entered"), "", "", "", "", ""]
        else:
            reviewed = entry.reviewed_at.date().isoformat() if entry.reviewed_at else ""
            values += [
                entry.get_status_display(),
                entry.national_law,
                entry.article,
                entry.note,
                entry.source,
                reviewed,
            ]
        writer.writerow([safe_cell(v) for v in values])
    return response


def matrix_pdf(countries, groups) -> HttpResponse:
    font = pdf_font()
    styles = getSampleStyleSheet()
    for name in ("Normal", "Title", "Heading2"):
        styles[name].fontName = font
    small = styles["Normal"].clone("small", fontSize=7, leading=8)

    def p(text, style=small) -> Paragraph:
        # Paragraph reads its text as markup: user text is escaped so "<" is a character, not a tag.
        return Paragraph(escape(str(text)), style)

    story = [p(_("Legal harmonisation matrix"), styles["Title"])]
    for group, rows in groups:
        story.append(p(group, styles["Heading2"]))
        data = [[p(_("Provision"))] + [p(c.display_name) for c in countries]]
        for row in rows:
            cells = []
            for entry in row.cells:
                if entry is None:
                    cells.append(p(_("Not entered")))
                else:
                    law = " ".join(filter(None, [entry.national_law, entry.article]))
                    cells.append(p(f"{entry.get_status_display()}{' · ' + law if law else ''}"))
            data.append([p(f"{row.provision.code} {row.provision.display_title}")] + cells)
        table = Table(data, repeatRows=1, colWidths=[200] + [560 / max(len(countries), 1)] * len(countries))
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f4f6f8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title="legal-matrix").build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="legal-matrix.pdf"'
    return response
