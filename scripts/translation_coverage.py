"""Report translation coverage per language; fail when a public-page string is untranslated.

Public pages are read by children and parents in their own language, so every string that
appears in a public source (PUBLIC_SOURCES) must be translated in every language. Staff strings
are reported, and fail only below STAFF_MINIMUM.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["sq", "mk", "sr", "sr_Latn", "bs", "hr"]
# Files whose strings are shown on public pages (extend this when a public page is added).
PUBLIC_SOURCES = (
    "public/",
    "core/templates/core/form_fields.html",
    # What a reporter reads when a URL is refused, and the kinds of harm the public form offers.
    "core/canonical_urls.py",
    "core/taxonomy.py",
    # Apps with public pages keep them in templates/<app>/public/ and public_*.py modules.
    "hotline/templates/hotline/public/",
    "hotline/public_",
    "nrm/templates/nrm/public/",
    "nrm/public_",
    "legal/templates/legal/public/",
    "legal/public_",
)
STAFF_MINIMUM = 1.0


def catalogues(language: str) -> list[tuple[str, Path]]:
    """The project's catalogue (locale/) and those of apps that keep their own (<app>/locale/)."""
    found = [("", ROOT / "locale" / language / "LC_MESSAGES" / "django.po")]
    for app_locale in sorted(ROOT.glob("*/locale")):
        found.append((app_locale.parent.name + "/", app_locale / language / "LC_MESSAGES" / "django.po"))
    return found


def is_public(entry: polib.POEntry, prefix: str) -> bool:
    # An app's catalogue records paths relative to the app folder.
    return any((prefix + path).startswith(PUBLIC_SOURCES) for path, _line in entry.occurrences)


def is_done(entry: polib.POEntry) -> bool:
    return entry.translated() and "fuzzy" not in entry.flags


def main() -> int:
    failed = False
    print(f"{'language':<10}{'all':>14}{'public':>14}")
    for language in LANGUAGES:
        entries, public = [], []
        for prefix, path in catalogues(language):
            if not path.exists():
                print(f"{language:<10} missing catalogue {path}")
                failed = True
                continue
            catalogue = [e for e in polib.pofile(str(path)) if not e.obsolete]
            entries += catalogue
            public += [e for e in catalogue if is_public(e, prefix)]
        done = sum(is_done(e) for e in entries)
        public_done = sum(is_done(e) for e in public)
        print(f"{language:<10}{done:>7}/{len(entries):<6}{public_done:>7}/{len(public):<6}")
        for entry in public:
            if not is_done(entry):
                print(f"   untranslated public string: {entry.msgid!r}")
                failed = True
        if entries and done / len(entries) < STAFF_MINIMUM:
            missing = [e.msgid for e in entries if not is_done(e)][:10]
            print(f"   below {STAFF_MINIMUM:.0%}: e.g. {missing}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
