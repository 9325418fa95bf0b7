"""What every export shares: spreadsheet cells that never run as formulas, and a PDF font."""

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# DejaVu covers Latin and Cyrillic; the built-in Helvetica would drop Macedonian and Serbian letters.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def safe_cell(value) -> str:
    """The value as text that no spreadsheet runs as a formula: such cells get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def pdf_font() -> str:
    """DejaVu Sans when Debian's fonts-dejavu-core is installed (registered once), else Helvetica."""
    if not DEJAVU.exists():
        return "Helvetica"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    return "DejaVuSans"
