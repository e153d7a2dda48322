"""One person's detail view: Profile, Story, Consent, Media and Posts tabs."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import catalogue, consent
from campaigns.auth import Actor, Permission
from campaigns.catalogue import BARRIER_LABELS, CATEGORY_LABELS, KIND_LABELS
from campaigns.consent import (
    CHANNEL_LABELS,
    CHANNELS,
    MEDIA,
    MEDIA_LABELS,
    METHODS,
    STATUS_LABELS,
    USE_LABELS,
    USES,
    ConsentInput,
    Proof,
)
from campaigns.errors import InvalidFields, SpotlightError
from ui import resources, state
from ui.data_rights import data_rights
from ui.i18n import day, t, tr
from ui.profile_form import profile_form
from ui.widgets import empty_state, flash, status_badge


def show_detail(db: Engine, actor: Actor, person_id: int) -> None:
    """The whole detail view of one person."""
    try:
        person = catalogue.get_role_model(db, actor, person_id)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        st.session_state.pop(state.ROLE_MODELS_SELECTED, None)
        return
    settings = resources.settings()
    today = date.today()
    views = consent.consents_of(db, actor, person_id, today, settings.consent_expiry_warning_days)
    overall = consent.overall_status_of_views(views)
    if st.button(t("← Back to the list"), key="role_models__back"):
        st.session_state.pop(state.ROLE_MODELS_SELECTED, None)
        st.session_state.pop(f"role_models__opened_{person_id}", None)
        st.rerun()
    header, badge = st.columns([4, 1])
    header.header(person.profile.full_name)
    with badge:
        status_badge(overall)
        if person.archived:
            st.badge(t("Archived"), color="gray")
    st.caption(
        " · ".join(
            [t(KIND_LABELS[person.profile.kind]), *person.profile.programmes]
            + [t(CATEGORY_LABELS[c]) for c in person.profile.categories]
        )
    )
    names = [t("Profile"), t("Story"), t("Consent"), t("Media"), t("Posts")]
    rights = actor.can(Permission.HANDLE_DATA_REQUESTS)
    tabs = st.tabs([*names, t("Data rights")] if rights else names)
    profile_tab, story_tab, consent_tab, media_tab, posts_tab = tabs[:5]
    if rights:
        with tabs[5]:
            data_rights(db, actor, person_id, person.profile.full_name)
    with profile_tab:
        _profile(db, actor, person)
    with story_tab:
        _story(db, actor, person)
    with consent_tab:
        _consent(db, actor, person, views)
    with media_tab:
        _media(db, actor, person)
    with posts_tab:
        _posts(person)


def _profile(db: Engine, actor: Actor, person: catalogue.RoleModelDetail) -> None:
    # The profile as shown when its form was drawn anew: a save over a newer copy is refused.
    opened_key = f"role_models__opened_{person.id}"
    if "role_models__edit__email" not in st.session_state or opened_key not in st.session_state:
        st.session_state[opened_key] = catalogue.opened_profile(person.profile)
    opened = st.session_state[opened_key]
    edited = profile_form(
        "role_models__edit",
        person.profile,
        show_sensitive=person.sensitive_visible,
        programmes=catalogue.known_programmes(db),
        submit_label=t("Save the profile"),
    )
    if edited is not None:
        for warning in catalogue.find_duplicates(db, edited, exclude_id=person.id):
            st.warning(tr(warning.reason))
        try:
            catalogue.update_role_model(db, actor, person.id, edited, opened)
        except InvalidFields as exc:
            for message in exc.fields.values():
                st.error(tr(message))
        except SpotlightError as exc:
            st.error(tr(exc.message))
        else:
            st.session_state.pop(opened_key, None)
            flash(t("Saved the profile of {name}.", name=edited.full_name))
            st.cache_data.clear()
            st.rerun()
    label = t("Restore from the archive") if person.archived else t("Archive this person")
    help_text = t(
        "Archived people are hidden from searches and never scheduled; nothing is deleted."
    )
    if st.button(label, key="role_models__archive", help=help_text):
        try:
            catalogue.set_archived(db, actor, person.id, not person.archived)
        except SpotlightError as exc:
            st.error(tr(exc.message))
        else:
            flash(t("Restored {name}.") if person.archived else t("Archived {name}."))
            st.rerun()


def _story(db: Engine, actor: Actor, person: catalogue.RoleModelDetail) -> None:
    profile = person.profile
    st.markdown(t("**Barriers overcome**"))
    st.write(", ".join(t(BARRIER_LABELS[b]) for b in profile.barriers) or t("None recorded."))
    st.markdown(t("**Bio**"))
    st.write(profile.bio or t("No bio yet: add one in the Profile tab."))
    if profile.tags:
        st.caption(t("Tags: {tags}", tags=", ".join(profile.tags)))
    st.markdown(t("**Quotes**"))
    if not person.quotes:
        st.caption(t("No quotes yet."))
    for quote in person.quotes:
        with st.container(border=True):
            st.markdown(f"> {quote.text}")
            if quote.approved_on:
                st.caption(
                    t(
                        "Approved on {day} ({how})",
                        day=day(quote.approved_on),
                        how=quote.approved_how,
                    )
                )
            else:
                st.caption(t("Not approved yet: do not publish."))
    with st.form("role_models__quote", clear_on_submit=True):
        text = st.text_area(t("New quote"), key="role_models__quote_text")
        approved = st.checkbox(t("The person approved this quote"), key="role_models__quote_ok")
        c1, c2 = st.columns(2)
        approved_on = c1.date_input(
            t("Approved on"), value=date.today(), key="role_models__quote_day"
        )
        how = c2.text_input(t("How (e-mail, call…)"), key="role_models__quote_how")
        if st.form_submit_button(t("Add the quote")):
            try:
                catalogue.add_quote(
                    db, actor, person.id, text, approved_on if approved else None, how
                )
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                flash(t("Quote added."))
                st.rerun()


def _consent(
    db: Engine, actor: Actor, person: catalogue.RoleModelDetail, views: list[consent.ConsentView]
) -> None:
    if not views:
        empty_state(
            t("No consent on file"),
            t("Nothing about this person may be published until a consent is recorded."),
        )
    sensitive = actor.can(Permission.VIEW_SENSITIVE)
    for view in views:
        with st.container(border=True):
            top, badge = st.columns([4, 1])
            top.markdown(
                t(
                    "**Consent #{id}** · signed {signed} · valid {start} → {end}",
                    id=view.id,
                    signed=day(view.signed_on),
                    start=day(view.valid_from),
                    end=day(view.expires_on) if view.expires_on else t("no end date"),
                )
            )
            with badge:
                status_badge(view.status)
            st.write(
                t("Channels: {v}", v=", ".join(t(CHANNEL_LABELS[c]) for c in view.channels))
                + "  \n"
                + t("Uses: {v}", v=", ".join(t(USE_LABELS[u]) for u in view.uses))
                + "  \n"
                + t("Media: {v}", v=", ".join(t(MEDIA_LABELS[m]) for m in view.media))
            )
            st.caption(
                t(
                    "Text {version} · collected by {who} ({how})",
                    version=view.text_version,
                    who=view.collected_by,
                    how=view.method,
                )
            )
            if view.withdrawn_on:
                st.caption(
                    t(
                        "Withdrawn on {day} ({channel})",
                        day=day(view.withdrawn_on),
                        channel=view.withdrawal_channel,
                    )
                )
            if not view.has_proof:
                st.warning(t("No proof attached: this consent allows nothing yet."))
            elif sensitive:

                def fetch(consent_id: int = view.id) -> bytes:
                    # Read (and audited) only when someone actually downloads the proof.
                    try:
                        return consent.read_proof(db, resources.store(), actor, consent_id)[2]
                    except SpotlightError as exc:
                        return tr(exc.message).encode("utf-8")

                st.download_button(
                    t("Download the proof ({name})", name=view.proof_filename or "proof"),
                    fetch,
                    file_name=view.proof_filename or "proof",
                    key=f"role_models__proof_{view.id}",
                    on_click="ignore",
                )
                st.caption(t("SHA-256: {hash}", hash=view.proof_sha256))
            else:
                st.caption(t("Proof on file (visible to privacy officers)."))
    _consent_form(db, actor, person)
    _withdrawal_form(db, actor, person, views)


def _consent_form(db: Engine, actor: Actor, person: catalogue.RoleModelDetail) -> None:
    with st.expander(t("Record a consent")), st.form("role_models__consent", clear_on_submit=False):
        c1, c2, c3 = st.columns(3)
        channels = c1.multiselect(
            t("Channels"),
            CHANNELS,
            format_func=CHANNEL_LABELS.__getitem__,
            placeholder=t("Choose options"),
            key="rm_c__channels",
        )
        uses = c2.multiselect(
            t("Uses"),
            USES,
            default=["organic"],
            format_func=lambda u: t(USE_LABELS[u]),
            placeholder=t("Choose options"),
            key="rm_c__uses",
        )
        media = c3.multiselect(
            t("Media"),
            MEDIA,
            format_func=lambda m: t(MEDIA_LABELS[m]),
            placeholder=t("Choose options"),
            key="rm_c__media",
        )
        c1, c2, c3 = st.columns(3)
        signed_on = c1.date_input(t("Signed on"), value=date.today(), key="rm_c__signed")
        valid_from = c2.date_input(t("Valid from"), value=date.today(), key="rm_c__from")
        expires_on = c3.date_input(
            t("Expires on"), value=date.today() + timedelta(days=730), key="rm_c__expires"
        )
        c1, c2, c3 = st.columns(3)
        text_version = c1.text_input(t("Consent text version"), key="rm_c__version")
        collected_by = c2.text_input(t("Collected by"), value=actor.email, key="rm_c__by")
        method = c3.selectbox(t("How it was collected"), METHODS, key="rm_c__method")
        special = st.checkbox(
            t("Explicit consent to mention a disability (special-category data)"),
            key="rm_c__special",
        )
        wording = st.text_area(t("Exact wording of that explicit consent"), key="rm_c__wording")
        c1, c2 = st.columns(2)
        minor = c1.checkbox(t("The person is a minor"), key="rm_c__minor")
        guardian = c2.text_input(t("Legal guardian who signed"), key="rm_c__guardian")
        proof = st.file_uploader(
            t("Proof (signed form as PDF, JPEG or PNG)"),
            type=["pdf", "jpg", "jpeg", "png"],
            key="rm_c__proof",
        )
        if st.form_submit_button(t("Save the consent"), type="primary"):
            data = ConsentInput(
                channels=tuple(channels),
                uses=tuple(uses),
                media=tuple(media),
                signed_on=signed_on,
                valid_from=valid_from,
                expires_on=expires_on,
                text_version=text_version,
                collected_by=collected_by,
                method=method,
                special_category=special,
                special_category_wording=wording,
                is_minor=minor,
                guardian=guardian,
            )
            attached = Proof(proof.name, proof.getvalue()) if proof is not None else None
            try:
                consent.record_consent(db, resources.store(), actor, person.id, data, attached)
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                # Empty the form so that a second click cannot record the same consent twice.
                for key in [k for k in st.session_state if str(k).startswith("rm_c__")]:
                    del st.session_state[key]
                flash(t("Consent recorded."))
                st.cache_data.clear()
                st.rerun()


def _withdrawal_form(
    db: Engine, actor: Actor, person: catalogue.RoleModelDetail, views: list[consent.ConsentView]
) -> None:
    if not any(v.withdrawn_on is None for v in views):
        return
    with st.expander(t("Withdraw consent")), st.form("role_models__withdraw"):
        st.write(
            t(
                "Withdrawing closes every consent of {name}, marks all their media do-not-use, "
                "blocks their planned posts and lists published posts to take down.",
                name=person.profile.full_name,
            )
        )
        c1, c2 = st.columns(2)
        requested_on = c1.date_input(t("Requested on"), value=date.today(), key="rm_w__day")
        channel = c2.text_input(t("Asked through (e-mail, phone, in person…)"), key="rm_w__channel")
        note = st.text_area(t("Note"), key="rm_w__note")
        sure = st.checkbox(t("I confirm the person asked to withdraw"), key="rm_w__sure")
        if st.form_submit_button(t("Withdraw consent"), type="primary"):
            if not sure:
                st.error(t("Tick the confirmation first."))
                return
            try:
                result = consent.withdraw_consent(db, actor, person.id, requested_on, channel, note)
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                flash(tr(result.sentence()))
                st.cache_data.clear()
                st.rerun()


def _media(db: Engine, actor: Actor, person: catalogue.RoleModelDetail) -> None:
    if person.photo_thumbnail_key:
        st.image(
            resources.media_bytes(person.photo_thumbnail_key),
            caption=t("Alt text: {alt}", alt=person.photo_alt_text),
            alt=person.photo_alt_text,
            width=320,
        )
        if person.photo_do_not_use:
            st.error(t("Do not use: consent was withdrawn."))
    else:
        st.caption(t("No photo yet."))
    with st.form("role_models__photo"):
        upload = st.file_uploader(
            t("New photo (JPEG, PNG, WebP or iPhone HEIC)"),
            type=["jpg", "jpeg", "png", "webp", "heic", "heif"],
            key="role_models__photo_file",
        )
        alt = st.text_input(
            t("Alt text: describe the photo for people who cannot see it (required)"),
            key="role_models__photo_alt",
        )
        if st.form_submit_button(t("Save the photo")):
            if upload is None:
                st.error(t("Choose a photo first."))
                return
            try:
                catalogue.set_photo(
                    db, resources.store(), actor, person.id, upload.getvalue(), upload.name, alt
                )
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                flash(t("Photo saved; location and camera details were removed."))
                st.cache_data.clear()
                st.rerun()


def _posts(person: catalogue.RoleModelDetail) -> None:
    if not person.appearances:
        empty_state(t("Not featured yet"), t("Published posts featuring this person appear here."))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("Published on"): day,
                    t("Network"): t(CHANNEL_LABELS.get(ch, ch)),
                    t("Post"): title,
                }
                for day, ch, title in person.appearances
            ]
        ),
        hide_index=True,
        width="stretch",
    )


__all__ = ["STATUS_LABELS", "show_detail"]
