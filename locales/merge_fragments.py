"""Fold translation fragments into the catalogues, and space French punctuation the French way.

`make messages` runs this after `pybabel update`. A fragment is a `.po` file written beside a
catalogue (`locales/fr/LC_MESSAGES/domain-fragment.po`) by whoever wrote the messages it
translates. Its translated entries replace the catalogue's for the messages the catalogue
has; the fragment is then deleted. Entries for messages no code uses any more are listed
and dropped with it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent
DOMAIN = "spotlight"
# French typography: a narrow no-break space before ; ? ! and a no-break space before : and %
# and inside « guillemets ». Colons of Markdown directives (":material/…:", ":red[") are not
# punctuation and keep their space.
NARROW = re.compile(r" (?=[;?!])")
WIDE = re.compile(r" (?=%|:(?!material/|[a-z]+\[))")


def french_spacing(text: str) -> str:
    """The text with no-break spaces where French puts them (a line never breaks there)."""
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    text = NARROW.sub("\u202f", text)
    return WIDE.sub("\u00a0", text)


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


def merge_language(folder: Path) -> list[str]:
    """Merge the fragments of one language into its catalogue; what was left out, as lines."""
    language = folder.parent.name
    target = folder / f"{DOMAIN}.po"
    catalogue = _read(target, language)
    notes: list[str] = []
    for fragment_path in sorted(folder.glob("*-fragment.po")):
        fragment = _read(fragment_path, language)
        used = 0
        for message in fragment:
            if not _translated(message):
                continue
            known = catalogue.get(message.id, message.context)
            if known is None:
                notes.append(f"{fragment_path.name}: no code uses {message.id!r}")
                continue
            known.string = message.string
            known.flags.discard("fuzzy")
            used += 1
        notes.append(f"{fragment_path.name}: {used} translation(s) merged")
        fragment_path.unlink()
    if language == "fr":
        for message in catalogue:
            if message.id and isinstance(message.string, str):
                message.string = french_spacing(message.string)
    with target.open("wb") as handle:
        write_po(handle, catalogue, ignore_obsolete=True, include_previous=False)
    return notes


def main() -> int:
    for folder in sorted(LOCALES.glob("*/LC_MESSAGES")):
        if (folder / f"{DOMAIN}.po").exists():
            for line in merge_language(folder):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
