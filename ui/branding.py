"""Spotlight's icon, drawn in code so no browser asks a font server for it."""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw

TEAL = (0, 95, 115)
GOLD = (238, 155, 0)


@cache
def icon(size: int = 64) -> Image.Image:
    """A spotlight beam on a teal disc."""
    scale = 4  # draw large, then shrink, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, big - 1, big - 1), fill=TEAL)
    draw.polygon(
        [(big * 0.30, big * 0.18), (big * 0.42, big * 0.18), (big * 0.80, big * 0.78),
         (big * 0.20, big * 0.78)],
        fill=(*GOLD, 230),
    )  # fmt: skip
    draw.ellipse((big * 0.2, big * 0.70, big * 0.8, big * 0.86), fill=(255, 255, 255))
    return image.resize((size, size), Image.Resampling.LANCZOS)


@cache
def photo_placeholder(size: int = 160) -> Image.Image:
    """A neutral square shown where a card has no usable photo."""
    image = Image.new("RGB", (size, size), (236, 234, 228))
    draw = ImageDraw.Draw(image)
    grey = (170, 166, 156)
    draw.ellipse((size * 0.35, size * 0.2, size * 0.65, size * 0.5), fill=grey)
    draw.pieslice((size * 0.2, size * 0.55, size * 0.8, size * 1.15), 180, 360, fill=grey)
    return image
