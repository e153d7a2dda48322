"""Demo video portraits: short clips made with ffmpeg (picture, tone, captions), then queued."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from campaigns import portraits
from campaigns.auth import Actor
from campaigns.consent import may_use
from campaigns.db import read_only
from campaigns.media.ffmpeg import ffmpeg_exe
from campaigns.models import Portrait, RoleModel
from campaigns.storage import MediaStore

SECONDS = 6
DEMO_PRESETS = ("instagram_reels", "linkedin_1x1", "youtube")
# (demo e-mail, title, colour) — people whose consent covers video on the demo networks.
CLIPS = (
    ("amina.diallo@demo.example.org", "Amina: from retail to web development", "0x005f73"),
    ("sophie.martin@demo.example.org", "Sophie: coding with a hearing loss", "0x9b2226"),
    ("karim.mansour@demo.example.org", "Karim: a career change at 47", "0x3d405b"),
)
# Typing a transcript is often left for later: this portrait's posts show the warning.
WITHOUT_TRANSCRIPT = frozenset({"karim.mansour@demo.example.org"})
CAPTIONS = (
    "1\n00:00:00,500 --> 00:00:02,800\nI never thought tech was for me.\n\n"
    "2\n00:00:03,000 --> 00:00:05,500\nSix months later, I ship code every day.\n"
)
TRANSCRIPT = "I never thought tech was for me. Six months later, I ship code every day."


def make_demo_clip(path: Path, colour: str, seconds: int = SECONDS) -> None:
    """A 1280×720 clip: a coloured backdrop with a moving disc, and a gentle tone."""
    # fmt: off
    args = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", f"color=c={colour}:s=1280x720:r=30:d={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration={seconds}",
        "-filter_complex",
        "[0:v]drawbox=x='mod(t*120,1100)':y=260:w=180:h=180:color=white@0.8:t=fill[v]",
        "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
    ]
    # fmt: on
    # A fixed argument list and the binary of the imageio-ffmpeg wheel.
    subprocess.run(args, check=True, timeout=120)  # noqa: S603


def load_demo_portraits(
    db: Engine, store: MediaStore, actor: Actor, today: date
) -> list[list[int]]:
    """Add the demo portraits that are missing; returns, per new portrait, its queued versions."""
    queued: list[list[int]] = []
    with read_only(db) as session:
        titles = set(session.scalars(select(Portrait.title)))
        people = dict(session.execute(select(RoleModel.email, RoleModel.id)).tuples().all())
    with tempfile.TemporaryDirectory(prefix="spotlight-demo-") as folder:
        for email, title, colour in CLIPS:
            person = people.get(email)
            if title in titles or person is None:
                continue
            clip = Path(folder) / f"{person}.mp4"
            make_demo_clip(clip, colour)
            with clip.open("rb") as upload:
                portrait_id = portraits.add_portrait(
                    db,
                    store,
                    actor,
                    upload,
                    clip.name,
                    portraits.PortraitInput(
                        title=title,
                        role_model_ids=(person,),
                        language="en",
                        alt_text=f"{title.split(':')[0]} talks to the camera about retraining.",
                        transcript="" if email in WITHOUT_TRANSCRIPT else TRANSCRIPT,
                    ),
                    max_bytes=100 * 1024 * 1024,
                )
            portraits.set_captions(db, store, actor, portrait_id, CAPTIONS.encode(), "demo.srt")
            allowed = [
                name
                for name in DEMO_PRESETS
                if may_use(
                    db, person, "video", portraits.channel_of(name), "organic", today
                ).allowed
            ]
            request = (
                portraits.request_versions(db, actor, portrait_id, allowed) if allowed else None
            )
            queued.append(list(request.version_ids) if request else [])
    return queued
