"""The role-model profile form, shared by "Add a role model" and the Profile tab."""

from __future__ import annotations

import streamlit as st

from campaigns.catalogue import (
    BARRIER_LABELS,
    BARRIERS,
    CATEGORIES,
    CATEGORY_LABELS,
    KIND_LABELS,
    KINDS,
    ProfileInput,
)
from ui.i18n import t


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace("\n", ",").split(",") if part.strip())


def profile_form(
    form_key: str,
    initial: ProfileInput | None,
    *,
    show_sensitive: bool,
    programmes: list[str],
    submit_label: str,
) -> ProfileInput | None:
    """Draw the profile form; return what was typed when it is submitted."""
    start = initial or ProfileInput(full_name="", kind="student")
    with st.form(form_key):
        st.markdown(t("**Identity**"))
        c1, c2, c3 = st.columns([2, 1, 1])
        full_name = c1.text_input(
            t("Full name (required)"), start.full_name, key=f"{form_key}__name"
        )
        preferred = c2.text_input(
            t("Preferred name"), start.preferred_name, key=f"{form_key}__pref"
        )
        pronouns = c3.text_input(t("Pronouns"), start.pronouns, key=f"{form_key}__pronouns")
        c1, c2, c3, c4 = st.columns(4)
        kind = c1.selectbox(
            t("Role (required)"),
            KINDS,
            index=KINDS.index(start.kind) if start.kind in KINDS else 0,
            format_func=lambda k: t(KIND_LABELS[k]),
            key=f"{form_key}__kind",
        )
        email = c2.text_input(t("E-mail"), start.email, key=f"{form_key}__email")
        phone = c3.text_input(t("Phone"), start.phone, key=f"{form_key}__phone")
        country = c4.text_input(
            t("Country (two letters)"), start.country, max_chars=2, key=f"{form_key}__country"
        )
        c1, c2, c3 = st.columns(3)
        time_zone = c1.text_input(t("Time zone"), start.time_zone, key=f"{form_key}__tz")
        languages = c2.text_input(
            t("Languages (comma-separated)"), ", ".join(start.languages), key=f"{form_key}__langs"
        )
        cohort = c3.text_input(t("Cohort"), start.cohort, key=f"{form_key}__cohort")
        c1, c2 = st.columns(2)
        chosen_programmes = c1.multiselect(
            t("Programmes"),
            sorted(set(programmes) | set(start.programmes)),
            default=list(start.programmes),
            accept_new_options=True,
            placeholder=t("Choose or add options"),
            key=f"{form_key}__programmes",
        )
        employer = c2.text_input(
            t("Employer (for apprentices)"), start.employer, key=f"{form_key}__employer"
        )
        c1, c2 = st.columns(2)
        availability = c1.text_area(
            t("Availability for shoots or interviews"),
            start.availability,
            height=80,
            key=f"{form_key}__availability",
        )
        accessibility = c2.text_area(
            t("Accessibility needs for a shoot (interpreter, step-free access…)"),
            start.accessibility_needs,
            height=80,
            key=f"{form_key}__access",
        )

        st.markdown(t("**Featured as (self-declared, each optional)**"))
        categories = st.multiselect(
            t("Categories the person chose to be featured under"),
            CATEGORIES,
            default=list(start.categories),
            format_func=lambda c: t(CATEGORY_LABELS[c]),
            placeholder=t("Choose options"),
            key=f"{form_key}__categories",
        )
        details = start.disability_details
        explicit = start.disability_explicit_consent
        if show_sensitive:
            st.caption(
                t(
                    "Disability details are health data: keep them only with the person's "
                    "explicit consent. Only privacy officers and administrators see them."
                )
            )
            explicit = st.checkbox(
                t("The person gave explicit consent to keep disability details"),
                value=start.disability_explicit_consent,
                key=f"{form_key}__explicit",
            )
            details = st.text_area(
                t("Disability details (special-category data)"),
                start.disability_details,
                height=80,
                key=f"{form_key}__details",
            )

        st.markdown(t("**Story**"))
        barriers = st.multiselect(
            t("Barriers overcome"),
            BARRIERS,
            default=list(start.barriers),
            format_func=lambda b: t(BARRIER_LABELS[b]),
            placeholder=t("Choose options"),
            key=f"{form_key}__barriers",
        )
        bio = st.text_area(t("Short bio"), start.bio, height=120, key=f"{form_key}__bio")
        tags = st.text_input(
            t("Tags (comma-separated)"), ", ".join(start.tags), key=f"{form_key}__tags"
        )
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    return ProfileInput(
        full_name=full_name,
        kind=kind,
        email=email,
        preferred_name=preferred,
        pronouns=pronouns,
        phone=phone,
        country=country,
        time_zone=time_zone,
        languages=_split(languages),
        programmes=tuple(chosen_programmes),
        cohort=cohort,
        employer=employer,
        availability=availability,
        accessibility_needs=accessibility,
        categories=tuple(categories),
        barriers=tuple(barriers),
        bio=bio,
        tags=_split(tags),
        disability_details=details,
        # Roles that cannot see the details keep what is stored (the service never blanks them).
        disability_explicit_consent=explicit,
    )
