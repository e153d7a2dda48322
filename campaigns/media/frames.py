"""Still frames from a video, for choosing the focal point and for thumbnails."""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image

from campaigns.errors import InvalidInput
from campaigns.i18n import N_

UNREADABLE_FRAME = N_("We could not read a picture from this video at that moment.")


def frame_at(path: Path, container_format: str, at_s: float, max_side: int = 960) -> bytes:
    """A JPEG of the frame shown at a time (rotation applied), at most max_side pixels wide."""
    try:
        with av.open(
            str(path), format=container_format, options={"protocol_whitelist": "file"}
        ) as container:
            stream = container.streams.video[0]
            if at_s > 0 and stream.time_base is not None:
                container.seek(int(at_s / stream.time_base), stream=stream, backward=True)
            image: Image.Image | None = None
            for frame in container.decode(stream):
                image = Image.fromarray(frame.to_ndarray(format="rgb24"))
                rotation = int(getattr(frame, "rotation", 0) or 0)
                if rotation:
                    # PyAV reports the display matrix angle counter-clockwise, as PIL rotates.
                    image = image.rotate(rotation, expand=True)
                if frame.time is None or frame.time >= at_s - 0.05:
                    break
    except (av.error.FFmpegError, OSError, IndexError, ValueError) as exc:
        raise InvalidInput(UNREADABLE_FRAME) from exc
    if image is None:
        raise InvalidInput(UNREADABLE_FRAME)
    image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
