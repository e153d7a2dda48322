"""Helpers that build role models, photos and consents for tests."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

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
