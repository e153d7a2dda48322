"""Helpers that build role models, photos and consents for tests."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from PIL import Image

from campaigns import catalogue_io
from campaigns.catalogue import ProfileInput
from campaigns.consent import ConsentInput

PDF = b"%PDF-1.4\n%test proof\n%%EOF\n"


def profile(name: str = "Amina Diallo", **overrides: object) -> ProfileInput:
    """A valid profile, changed where asked."""
    base: dict[str, object] = {
        "full_name": name,
        "kind": "student",
        "email": name.lower().replace(" ", ".") + "@example.org",
        "programmes": ("Web developer",),
        "categories": ("woman_in_tech",),
        "barriers": ("gender_stereotypes",),
        "bio": "Was told computing was for boys.",
        "tags": ("portrait",),
    }
    base.update(overrides)
    return ProfileInput(**base)  # type: ignore[arg-type]


def consent_form(today: date, **overrides: object) -> ConsentInput:
    """A consent to post video on Instagram and LinkedIn for a year."""
    base: dict[str, object] = {
        "channels": ("instagram", "linkedin"),
        "uses": ("organic",),
        "media": ("video", "photo", "name"),
        "signed_on": today - timedelta(days=10),
        "valid_from": today - timedelta(days=10),
        "expires_on": today + timedelta(days=365),
        "text_version": "v3",
        "collected_by": "Comms team",
        "method": "e-form",
    }
    base.update(overrides)
    return ConsentInput(**base)  # type: ignore[arg-type]


def jpeg(
    width: int = 320, height: int = 240, colour: tuple[int, int, int] = (20, 120, 200)
) -> bytes:
    """A small JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


# A spreadsheet of 200 people with 5 bad rows, for import tests.
HEADER = [column for column, _ in catalogue_io.COLUMNS]
FIRST = ["Chloé", "Leïla", "Amadou", "Inès", "Tom", "Yasmine", "Hugo", "Fatou", "Noah", "Zoë"]
LAST = ["Dupont", "Benali", "Diallo", "Martin", "Nguyen", "Lefèvre", "Moreau", "Haddad"]
KINDS = ["student", "alumni", "apprentice", "instructor", "mentor"]


def person(i: int) -> dict[str, str]:
    kind = KINDS[i % len(KINDS)]
    return {
        "full_name": f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]} {i}",
        "preferred_name": FIRST[i % len(FIRST)],
        "pronouns": "she/her" if i % 2 else "he/him",
        "email": f"Person{i}@Example.org",
        "phone": f"+33 6 12 34 {i // 100:02d} {i % 100:02d}",
        "country": "FR",
        "time_zone": "Europe/Paris",
        "kind": kind,
        "programmes": "BTS SIO; Bachelor Cyber" if i % 3 else "Bachelor Cyber",
        "cohort": str(2020 + i % 6),
        "employer": "Exemple SA" if kind == "apprentice" else "",
        "languages": "fr; en",
        "categories": "woman_in_tech; Career changer (age)" if i % 4 else "refugee",
        "barriers": "gender_stereotypes" if i % 2 else "",
        "tags": "Python; web",
        "availability": "Wednesdays",
        "accessibility_needs": "",
        "bio": f"Bio of person {i}, with a comma; and a semicolon.\nSecond line.",
    }


BAD_ROWS: dict[int, tuple[dict[str, str], str]] = {
    10: ({"email": "not-an-email"}, "email:"),
    50: ({"kind": "astronaut"}, "kind:"),
    90: ({"categories": "woman_in_tech; pirate"}, "categories:"),
    130: ({"kind": "apprentice", "employer": ""}, "employer:"),
    170: ({"email": "person20@example.org"}, "email:"),
}


def two_hundred_people(*, bad: bool = True) -> list[dict[str, str]]:
    rows = [person(i) for i in range(200)]
    if bad:
        for index, (change, _) in BAD_ROWS.items():
            rows[index] = {**rows[index], **change}
    return rows


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
