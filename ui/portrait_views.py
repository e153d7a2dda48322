"""Portraits page parts: upload form, portrait list, framing, captions and versions."""

from __future__ import annotations

import io
from datetime import date

import streamlit as st
from PIL import Image, ImageDraw
from sqlalchemy import Engine

from campaigns import catalogue, jobs, portraits
from campaigns.auth import Actor
from campaigns.catalogue import CatalogueFilter
from campaigns.errors import InvalidFields, SpotlightError
from campaigns.media.presets import PRESETS
from campaigns.portraits import STATUS_LABELS, Framing, PortraitInput, PortraitView
from ui import resources, state
from ui.branding import photo_placeholder
from ui.i18n import current_language, num, pct, t, tr
from ui.widgets import empty_state, flash

LANGUAGES = {"fr": "Français", "en": "English", "es": "Español", "ar": "العربية"}


def upload_form(db: Engine, actor: Actor) -> None:
    """The upload form: the file, who is in it, and what it is about."""
    people = catalogue.search_role_models(
        db, actor, CatalogueFilter(), date.today(), 30, limit=10_000
    ).cards
    names = {card.id: card.full_name for card in people}
    generation = st.session_state.get(state.PORTRAITS_UPLOAD, 0)
    with st.form(f"portraits__upload_{generation}"):
        upload = st.file_uploader(
            t("Video (MP4, MOV, M4V, WebM or MKV)"),
            type=["mp4", "mov", "m4v", "webm", "mkv"],
            key=f"portraits__file_{generation}",
        )
        featured = st.multiselect(
            t("Who is featured"),
            list(names),
            format_func=names.__getitem__,
            placeholder=t("Choose options"),
            key="portraits__who",
        )
        c1, c2 = st.columns([3, 1])
        title = c1.text_input(t("Title"), key="portraits__title")
        language = c2.selectbox(
            t("Language spoken"), list(LANGUAGES), format_func=LANGUAGES.__getitem__,
            index=list(LANGUAGES).index(current_language()),
            key="portraits__language",
        )  # fmt: skip
        alt_text = st.text_input(
            t("Alt text: one sentence describing the video (required)"), key="portraits__alt"
        )
        description = st.text_area(t("Description"), height=80, key="portraits__description")
        transcript = st.text_area(t("Transcript"), height=100, key="portraits__transcript")
        submitted = st.form_submit_button(t("Check and upload"), type="primary")
    if not submitted:
        return
    if upload is None:
        st.error(t("Choose a video file first."))
        return
    data = PortraitInput(
        title=title,
        role_model_ids=tuple(featured),
        language=language,
        description=description,
        transcript=transcript,
        alt_text=alt_text,
    )
    bar = st.progress(0.0, text=t("Checking and storing the video…"))
    total = max(upload.size, 1)
    sent = [0]

    def moved(count: int) -> None:
        sent[0] += count
        bar.progress(min(sent[0] / total, 1.0), text=t("Storing the video…"))

    try:
        portrait_id = portraits.add_portrait(
            db,
            resources.store(),
            actor,
            upload,
            upload.name,
            data,
            max_bytes=resources.settings().max_upload_bytes,
            progress=moved,
        )
    except InvalidFields as exc:
        bar.empty()
        for message in exc.fields.values():
            st.error(tr(message))
        return
    except SpotlightError as exc:
        bar.empty()
        st.error(tr(exc.message))
        return
    st.session_state[state.PORTRAITS_UPLOAD] = generation + 1
    st.session_state[state.PORTRAITS_SELECTED] = portrait_id
    flash(t("The video passed the checks and is stored. Next: framing, captions and versions."))
    st.rerun()


def portrait_list(db: Engine, actor: Actor) -> None:
    """Every portrait with its people and the state of its versions."""
    items = portraits.list_portraits(db, actor)
    if not items:
        empty_state(
            t("No portraits yet"),
            t("Upload a video portrait above to get versions for each network."),
        )
        return
    for item in items:
        with st.container(border=True):
            cover, c1, c2 = st.columns([1, 4, 1])
            ready = [v for v in item.versions if v.status == "done" and v.cover_key]
            if ready and ready[0].cover_key:
                cover.image(resources.media_bytes(ready[0].cover_key), width=140, alt=item.alt_text)
            else:
                cover.image(photo_placeholder(), width=140, alt=t("No cover yet"))
            c1.markdown(f"**{item.title}**")
            c1.caption(
                " · ".join([", ".join(n for _, n in item.people), f"{item.duration_s:.0f} s"])
            )
            counts: dict[str, int] = {}
            for version in item.versions:
                counts[version.status] = counts.get(version.status, 0) + 1
            if counts:
                c1.caption(
                    ", ".join(
                        t("{label}: {value}", label=t(STATUS_LABELS[s]), value=n)
                        for s, n in sorted(counts.items())
                    )
                )
            if item.do_not_use:
                c1.error(t("Do not use: {reason}", reason=tr(item.do_not_use_reason)))
            if c2.button(t("Open"), key=f"portraits__open_{item.id}"):
                st.session_state[state.PORTRAITS_SELECTED] = item.id
                st.rerun()


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _frame(actor: Actor, portrait_id: int, at_s: float, source_key: str) -> bytes:
    return portraits.portrait_frame(resources.engine(), resources.store(), actor, portrait_id, at_s)


def framing_view(db: Engine, actor: Actor, item: PortraitView) -> None:
    """Focal point on a still, reframing mode, trim and cover time."""
    end_default = item.trim_end_s if item.trim_end_s is not None else item.duration_s
    at = st.slider(
        t("Look at the frame at (seconds)"),
        0.0,
        float(item.duration_s),
        float(item.cover_at_s),
        step=0.5,
        key=f"portraits__at_{item.id}",
    )
    # Widgets not in the session yet: the form is drawn anew from what is stored now.
    fresh_form = f"portraits__reframe_{item.id}" not in st.session_state
    with st.form(f"portraits__framing_{item.id}"):
        c1, c2 = st.columns(2)
        focal_x = c1.slider(t("Focal point, left → right"), 0.0, 1.0, item.focal_x, 0.01,
                            key=f"portraits__fx_{item.id}")  # fmt: skip
        focal_y = c2.slider(t("Focal point, top → bottom"), 0.0, 1.0, item.focal_y, 0.01,
                            key=f"portraits__fy_{item.id}")  # fmt: skip
        try:
            still = _frame(actor, item.id, at, item.source_key)
        except SpotlightError as exc:
            st.warning(tr(exc.message))
        else:
            st.image(
                _with_marker(still, focal_x, focal_y),
                caption=t("The cross marks the focal point; the boxes show a 9:16 and a 1:1 crop."),
                alt=t("Frame of the video with the focal point and crop boxes"),
            )
        reframe = st.radio(
            t("When the shape changes"),
            ["crop", "blur"],
            index=0 if item.reframe == "crop" else 1,
            format_func=lambda m: (
                t("Crop around the focal point")
                if m == "crop"
                else t("Fit the whole picture on a blurred background")
            ),
            horizontal=True,
            key=f"portraits__reframe_{item.id}",
        )
        trim = st.slider(
            t("Keep from … to … (seconds)"),
            0.0,
            float(item.duration_s),
            (float(item.trim_start_s), float(end_default)),
            step=0.5,
            key=f"portraits__trim_{item.id}",
        )
        cover = st.number_input(
            t("Cover image at (seconds)"), 0.0, float(item.duration_s), float(item.cover_at_s),
            step=0.5, key=f"portraits__cover_{item.id}",
        )  # fmt: skip
        # The framing as shown when the page opened: a save over a newer one is refused.
        opened_key = f"portraits__opened_framing_{item.id}"
        if opened_key not in st.session_state or fresh_form:
            st.session_state[opened_key] = (
                item.focal_x, item.focal_y, item.reframe, item.trim_start_s, item.trim_end_s,
                item.cover_at_s,
            )  # fmt: skip
        opened = st.session_state[opened_key]
        if st.form_submit_button(t("Save the framing")):
            framing = Framing(
                focal_x=focal_x,
                focal_y=focal_y,
                reframe=reframe,
                trim_start_s=trim[0],
                trim_end_s=None if trim[1] >= item.duration_s else trim[1],
                cover_at_s=cover,
            )
            try:
                portraits.set_framing(db, actor, item.id, framing, Framing(*opened))
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                st.session_state.pop(opened_key, None)
                flash(t("Framing saved."))
                st.rerun()


def _with_marker(jpeg: bytes, fx: float, fy: float) -> bytes:
    image = Image.open(io.BytesIO(jpeg), formats=["JPEG"]).convert("RGB")
    draw = ImageDraw.Draw(image)
    w, h = image.size
    x, y = fx * w, fy * h
    for ratio, colour in ((9 / 16, (255, 200, 0)), (1.0, (0, 200, 255))):
        cw, ch = (h * ratio, h) if w / h > ratio else (w, w / ratio)
        left = min(max(x - cw / 2, 0), w - cw)
        top = min(max(y - ch / 2, 0), h - ch)
        draw.rectangle((left, top, left + cw - 1, top + ch - 1), outline=colour, width=3)
    r = max(w, h) / 40
    draw.line((x - r, y, x + r, y), fill=(255, 0, 80), width=4)
    draw.line((x, y - r, x, y + r), fill=(255, 0, 80), width=4)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def captions_view(db: Engine, actor: Actor, item: PortraitView) -> None:
    """Upload captions (SRT or WebVTT) and see what needs fixing."""
    if item.has_captions:
        st.success(t("Captions are on file; Instagram and TikTok versions get them burned in."))
    else:
        st.warning(t("No captions yet: videos with speech need captions (WCAG 1.2.2)."))
    with st.form(f"portraits__captions_{item.id}", clear_on_submit=True):
        upload = st.file_uploader(
            t("Captions file (.srt or .vtt)"), type=["srt", "vtt"], key=f"portraits__srt_{item.id}"
        )
        if st.form_submit_button(t("Check and save the captions")) and upload is not None:
            try:
                check = portraits.set_captions(
                    db, resources.store(), actor, item.id, upload.getvalue(), upload.name
                )
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                for problem in check.problems:
                    st.warning(tr(problem))
                flash(t("Captions saved ({n} cues).", n=len(check.cues)))
                st.rerun()


def missing_text_notice(item: PortraitView) -> None:
    """Say, in words, what the portrait still lacks for people who cannot see or hear it."""
    if not item.alt_text.strip():
        st.warning(
            t(
                "No alt text yet: its posts are blocked until the video is described in a "
                "sentence (Captions tab, Alt text and transcript)."
            )
        )
    if not item.transcript.strip():
        st.warning(
            t(
                "No transcript yet: add one (Captions tab, Alt text and transcript) so people who "
                "can neither watch nor hear the video can read it. Its posts show a warning until "
                "then."
            )
        )


def description_view(db: Engine, actor: Actor, item: PortraitView) -> None:
    """The portrait's alt text and transcript, which its posts are checked against."""
    st.subheader(t("Alt text and transcript"))
    with st.form(f"portraits__describe_{item.id}"):
        alt_text = st.text_input(
            t("Alt text: one sentence describing the video (required)"),
            value=item.alt_text,
            key=f"portraits__alt_{item.id}",
        )
        transcript = st.text_area(
            t("Transcript: everything said in the video"),
            value=item.transcript,
            height=160,
            key=f"portraits__transcript_{item.id}",
        )
        submitted = st.form_submit_button(t("Save the alt text and transcript"))
    if not submitted:
        return
    try:
        portraits.describe_portrait(db, actor, item.id, alt_text, transcript)
    except InvalidFields as exc:
        for message in exc.fields.values():
            st.error(tr(message))
        return
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    flash(t("Alt text and transcript saved; the portrait's posts are checked again."))
    st.rerun()


def _captions_note(version: portraits.VersionView) -> str:
    if version.captions_burned:
        return t("Captions: burned into the picture")
    if version.captions_key:
        return t("Captions: in a separate file (SRT), to upload with the video")
    return t("Captions: none (make this version again once the portrait has captions)")


def request_view(db: Engine, actor: Actor, item: PortraitView) -> None:
    """Choose the networks and queue the versions."""
    with st.form(f"portraits__request_{item.id}"):
        chosen = st.multiselect(
            t("Versions to make"),
            list(PRESETS),
            format_func=lambda name: tr(PRESETS[name].label),
            placeholder=t("Choose options"),
            key=f"portraits__presets_{item.id}",
        )
        # One under the other: side by side, the French labels were cut short.
        trim_to_fit = st.checkbox(
            t("Trim to fit when a network's limit is shorter"), key=f"portraits__fit_{item.id}"
        )
        lower_third = st.checkbox(
            t("Add a name caption (lower third) at the start"), key=f"portraits__lt_{item.id}"
        )
        if st.form_submit_button(t("Make the versions"), type="primary"):
            try:
                request = portraits.request_versions(
                    db, actor, item.id, chosen, trim_to_fit=trim_to_fit, lower_third=lower_third
                )
            except SpotlightError as exc:
                st.error(tr(exc.message))
                return
            refusals = [tr(refusal.reason) for refusal in request.refused]
            if not request.version_ids:
                for reason in refusals:
                    st.warning(reason)
                return
            jobs.enqueue(list(request.version_ids))
            flash(t("{n} version(s) queued.", n=len(request.version_ids)), refusals)
            st.rerun()


def _media(actor: Actor, key: str) -> bytes | str:
    url = resources.store().download_url(key)
    return url if url else portraits.media_of(resources.engine(), resources.store(), actor, key)


def _track(actor: Actor, version: portraits.VersionView) -> dict[str, bytes] | None:
    """Captions kept beside the video, as a track the player can show (burned-in need none)."""
    if version.captions_burned or not version.captions_key:
        return None
    key = version.captions_key
    return {t("Captions"): portraits.media_of(resources.engine(), resources.store(), actor, key)}


def versions_view(actor: Actor, portrait_id: int) -> None:
    """Versions: live progress while rendering, then players and downloads."""
    item = portraits.get_portrait(resources.engine(), actor, portrait_id)
    if not item.versions:
        empty_state(t("No versions yet"), t("Choose networks above and make the versions."))
        return
    if any(v.status in ACTIVE for v in item.versions):
        _live_progress(actor, portrait_id)
    for version in item.versions:
        if version.status in ("failed", "cancelled", "blocked"):
            why = f"{t(STATUS_LABELS[version.status])}. {tr(version.error)}"
            st.warning(t("{label}: {value}", label=tr(version.label), value=why))
    ready = [v for v in item.versions if v.status == "done" and v.output_key]
    for start in range(0, len(ready), 3):
        columns = st.columns(3)
        for column, version in zip(columns, ready[start : start + 3], strict=False):
            with column, st.container(border=True):
                st.markdown(f"**{version.label}**")
                if version.do_not_use:
                    st.error(t("Do not use: consent was withdrawn."))
                st.video(_media(actor, version.output_key or ""), subtitles=_track(actor, version))
                size = (version.size_bytes or 0) / 1e6
                seconds = version.duration_s or 0
                st.caption(t("{size} MB · {seconds} s", size=num(size, 1), seconds=num(seconds)))
                st.caption(_captions_note(version))
                _downloads(actor, version)


ACTIVE = ("queued", "rendering", "cancelling")


@st.fragment(run_every=2)
def _live_progress(actor: Actor, portrait_id: int) -> None:
    db = resources.engine()
    item = portraits.get_portrait(db, actor, portrait_id)
    active = [v for v in item.versions if v.status in ACTIVE]
    if not active:
        st.rerun()  # everything finished: redraw the page once with the players
    for version in active:
        c1, c2 = st.columns([4, 1])
        done = f"{t(STATUS_LABELS[version.status])} ({pct(version.progress)})"
        c1.progress(version.progress, text=t("{label}: {value}", label=version.label, value=done))
        if version.status != "cancelling" and c2.button(
            t("Cancel"), key=f"portraits__cancel_{version.id}"
        ):
            try:
                portraits.cancel_version(db, actor, version.id)
            except SpotlightError as exc:
                st.error(tr(exc.message))
            st.rerun(scope="fragment")


def _downloads(actor: Actor, version: portraits.VersionView) -> None:
    db, store = resources.engine(), resources.store()
    files = [(t("Video"), version.output_key, "mp4"), (t("Cover"), version.cover_key, "jpg")]
    if version.captions_key:
        files.append((t("Captions (SRT)"), version.captions_key, "srt"))
    for label, key, suffix in files:
        if not key:
            continue

        def fetch(key: str = key) -> bytes:
            return portraits.media_of(db, store, actor, key)

        st.download_button(
            t("Download: {what}", what=label),
            fetch,
            file_name=f"{version.preset}.{suffix}",
            key=f"portraits__dl_{version.id}_{suffix}",
            on_click="ignore",
        )
