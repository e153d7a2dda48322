"""Spotlight's domain: role models, consent, media, campaigns and measurement (no UI here)."""
