"""Derive Serbian Latin (sr_Latn) from Serbian Cyrillic (sr) translations.

Serbian has an exact one-to-one correspondence between its two alphabets, so the Latin
catalogue is the Cyrillic one transliterated letter by letter. Entries that a translator has
written by hand in sr_Latn (marked with the flag "manual") are kept as they are.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"

CYR_TO_LAT = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "Đ", "Е": "E", "Ж": "Ž", "З": "Z", "И": "I",
    "Ј": "J", "К": "K", "Л": "L", "Љ": "Lj", "М": "M", "Н": "N", "Њ": "Nj", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "Ћ": "Ć", "У": "U", "Ф": "F", "Х": "H", "Ц": "C", "Ч": "Č", "Џ": "Dž", "Ш": "Š",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z", "и": "i",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
DIGRAPH_CAPITALS = {"Lj": "LJ", "Nj": "NJ", "Dž": "DŽ"}


def transliterate(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        latin = CYR_TO_LAT.get(char, char)
        # A capital digraph inside an all-caps word is written in capitals too (ЉУБАВ → LJUBAV, КОЊ → KONJ).
        nxt = text[index + 1] if index + 1 < len(text) else ""
        prev = text[index - 1] if index > 0 else ""
        if latin in DIGRAPH_CAPITALS and (nxt.isupper() or (prev.isupper() and not nxt.isalpha())):
            latin = DIGRAPH_CAPITALS[latin]
        out.append(latin)
    return "".join(out)


def main() -> None:
    for locale in [LOCALE, *sorted(LOCALE.parent.glob("*/locale"))]:
        if (locale / "sr" / "LC_MESSAGES" / "django.po").exists():
            transliterate_catalogue(locale)


def transliterate_catalogue(locale: Path) -> None:
    source = polib.pofile(str(locale / "sr" / "LC_MESSAGES" / "django.po"))
    target_path = locale / "sr_Latn" / "LC_MESSAGES" / "django.po"
    target = polib.pofile(str(target_path)) if target_path.exists() else polib.POFile()
    manual = {(e.msgctxt, e.msgid): e for e in target if "manual" in e.flags}
    result = polib.POFile(wrapwidth=source.wrapwidth)
    result.metadata = dict(source.metadata)
    result.metadata["Language"] = "sr_Latn"
    result.header = source.header
    for entry in source:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in manual:
            result.append(manual[key])
            continue
        copy = polib.POEntry(
            msgid=entry.msgid,
            msgid_plural=entry.msgid_plural,
            msgctxt=entry.msgctxt,
            msgstr=transliterate(entry.msgstr),
            msgstr_plural={k: transliterate(v) for k, v in entry.msgstr_plural.items()},
            flags=[f for f in entry.flags if f != "fuzzy"] if entry.translated() else list(entry.flags),
            comment=entry.comment,
            tcomment=entry.tcomment,
            occurrences=list(entry.occurrences),
        )
        result.append(copy)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    result.save(str(target_path))


if __name__ == "__main__":
    main()
