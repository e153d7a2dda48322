"""The catalogue's list views: filters, card grid, representation, renewals and takedowns."""

from __future__ import annotations

from datetime import date

import altair as alt
import streamlit as st
from sqlalchemy import Engine

from campaigns import catalogue, consent, representation
from campaigns.auth import Actor, Permission
from campaigns.catalogue import (
    BARRIER_LABELS,
    BARRIERS,
    CATEGORIES,
    CATEGORY_LABELS,
    KIND_LABELS,
    KINDS,
    CatalogueFilter,
)
from campaigns.consent import CHANNEL_LABELS, CHANNELS, STATUS_LABELS, ConsentStatus
from campaigns.errors import InvalidFields, SpotlightError
from ui import resources, state, widgets
from ui.branding import photo_placeholder
from ui.i18n import day, pct, t, tr
from ui.profile_form import profile_form
from ui.widgets import empty_state, flash, status_badge

PAGE_SIZE = 24


def filters_bar(db: Engine) -> CatalogueFilter:
    """Search box and filters; returns what the user chose."""
    text = st.text_input(
        t("Search names, stories, quotes and tags"),
        key=state.ROLE_MODELS_TEXT,
        placeholder=t("e.g. cybersecurity, Amina, career change"),
    )
    with st.expander(t("Filters")):
        c1, c2, c3 = st.columns(3)
        kinds = c1.multiselect(
            t("Role"),
            KINDS,
            format_func=lambda k: t(KIND_LABELS[k]),
            placeholder=t("Choose options"),
            key=state.ROLE_MODELS_KINDS,
        )
        categories = c2.multiselect(
            t("Category"),
            CATEGORIES,
            format_func=lambda c: t(CATEGORY_LABELS[c]),
            placeholder=t("Choose options"),
            key=state.ROLE_MODELS_CATEGORIES,
        )
        barriers = c3.multiselect(
            t("Barrier overcome"),
            BARRIERS,
            format_func=lambda b: t(BARRIER_LABELS[b]),
            placeholder=t("Choose options"),
            key=state.ROLE_MODELS_BARRIERS,
        )
        c1, c2, c3 = st.columns(3)
        programmes = c1.multiselect(
            t("Programme"),
            catalogue.known_programmes(db),
            placeholder=t("Choose options"),
            key=state.ROLE_MODELS_PROGRAMMES,
        )
        statuses = c2.multiselect(
            t("Consent status"),
            list(ConsentStatus),
            format_func=lambda s: t(STATUS_LABELS[s]),
            placeholder=t("Choose options"),
            key=state.ROLE_MODELS_STATUSES,
        )
        months = c3.number_input(
            t("Not featured for at least N months (0: any)"),
            min_value=0,
            max_value=60,
            value=0,
            key=state.ROLE_MODELS_NOT_FEATURED,
        )
        archived = st.toggle(t("Show the archive instead"), key=state.ROLE_MODELS_ARCHIVED)
    return CatalogueFilter(
        text=text,
        kinds=tuple(kinds),
        categories=tuple(categories),
        barriers=tuple(barriers),
        programmes=tuple(programmes),
        consent_statuses=tuple(statuses),
        not_featured_for_months=int(months) or None,
        archived=archived,
    )


def card_grid(db: Engine, actor: Actor, filters: CatalogueFilter) -> None:
    """The people matching the filters, as cards with photo and badges."""
    limit = st.session_state.get(state.ROLE_MODELS_LIMIT, PAGE_SIZE)
    settings = resources.settings()
    result = catalogue.search_role_models(
        db, actor, filters, date.today(), settings.consent_expiry_warning_days, limit=limit
    )
    counts = ", ".join(
        t("{label}: {value}", label=t(STATUS_LABELS[s]), value=n)
        for s, n in sorted(result.counts_by_status.items())
    )
    matched = (
        t("1 person matches")
        if result.total == 1
        else t("{total} people match", total=result.total)
    )
    st.caption(matched + (f" · {counts}" if counts else ""))
    if not result.cards:
        empty_state(
            t("Nobody matches"),
            t("Clear a filter, or add a role model with the button above."),
        )
        return
    for start in range(0, len(result.cards), 4):
        columns = st.columns(4)
        for column, card in zip(columns, result.cards[start : start + 4], strict=False):
            with column, st.container(border=True):
                if card.thumbnail_key:
                    st.image(resources.media_bytes(card.thumbnail_key), alt=card.photo_alt_text)
                else:
                    st.image(photo_placeholder(), alt=t("No photo that may be shown"))
                st.markdown(f"**{card.full_name}**")
                st.caption(" · ".join([t(KIND_LABELS[card.kind]), *card.programmes]))
                status_badge(card.consent_status)
                if card.categories:
                    st.caption(", ".join(t(CATEGORY_LABELS[c]) for c in card.categories))
                last = (
                    t("Last featured {day}", day=day(card.last_featured_on))
                    if card.last_featured_on
                    else t("Never featured")
                )
                st.caption(last)
                if st.button(
                    t("Open"),
                    key=f"role_models__open_{card.id}",
                    help=t("Open the profile of {name}", name=card.full_name),
                ):
                    st.session_state[state.ROLE_MODELS_SELECTED] = card.id
                    st.rerun()
    if result.total > len(result.cards) and st.button(t("Show more"), key="role_models__more"):
        st.session_state[state.ROLE_MODELS_LIMIT] = limit + PAGE_SIZE
        st.rerun()


def add_dialog(db: Engine, actor: Actor) -> None:
    """The "Add a role model" form in a dialog, with the duplicate guard."""

    # Decorated on each call, so that the dialog's title is in the reader's language.
    @st.dialog(t("Add a role model"), width="large")
    def dialog() -> None:
        _add_form(db, actor)

    dialog()


def _add_form(db: Engine, actor: Actor) -> None:
    data = profile_form(
        "role_models__new",
        None,
        show_sensitive=actor.can(Permission.VIEW_SENSITIVE),
        programmes=catalogue.known_programmes(db),
        submit_label=t("Add to the catalogue"),
    )
    if data is None:
        return
    duplicates = catalogue.find_duplicates(db, data)
    confirmed = st.session_state.get("role_models__dup_ok") == data
    if duplicates and not confirmed:
        for warning in duplicates:
            st.warning(tr(warning.reason))
        st.session_state["role_models__dup_ok"] = data
        st.info(t("If this is really someone else, press the button again."))
        return
    try:
        person_id = catalogue.create_role_model(db, actor, data)
    except InvalidFields as exc:
        for message in exc.fields.values():
            st.error(tr(message))
        return
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state.pop("role_models__dup_ok", None)
    st.session_state[state.ROLE_MODELS_SELECTED] = person_id
    flash(t("Added {name}. Next: record their consent and add a photo.", name=data.full_name))
    st.rerun()


def representation_view(db: Engine, actor: Actor) -> None:
    """Availability per category, role and programme; instructor share; exposure balance."""
    settings = resources.settings()
    c1, c2 = st.columns(2)
    months = c1.number_input(
        t("Not featured for N months"), 1, 36, 6, key="role_models__repr_months"
    )
    threshold = c2.number_input(
        t("Over-exposed above N appearances in 30 days"), 1, 30, 3, key="role_models__repr_n"
    )
    overview = representation.representation_overview(
        db,
        actor,
        date.today(),
        settings.consent_expiry_warning_days,
        not_featured_months=int(months),
        over_exposed_threshold=int(threshold),
    )
    share = overview.instructors
    st.metric(
        t("Women among instructor role models"),
        pct(share.share) if share.share is not None else t("No instructors yet"),
        delta=(
            t(
                "{points} points against the {target} target",
                points=format((share.share - share.target) * 100, "+.0f"),
                target=pct(share.target),
            )
            if share.share is not None
            else None
        ),
        help=t("{women} of {n} instructors", women=share.women, n=share.instructors),
    )
    table = overview.availability.rename(columns={c: t(n) for c, n in CHANNEL_LABELS.items()})
    if table.empty:
        empty_state(t("No role models yet"), t("Add people to see who is available."))
        return
    st.subheader(t("Available with valid consent, per channel"))
    dimension = st.segmented_control(
        t("Group by"),
        ["Category", "Role", "Programme"],
        default="Category",
        format_func=t,
        key="role_models__repr_dim",
    )
    shown = table[table["dimension"] == (dimension or "Category")].drop(columns="dimension")
    shown = shown.assign(group=shown["group"].map(tr))
    long = shown.melt(id_vars=["group", "people"], var_name="channel", value_name="with consent")
    base = alt.Chart(long).encode(
        x=alt.X(
            "channel:N",
            title=None,
            sort=[t(CHANNEL_LABELS[c]) for c in CHANNELS],
            axis=alt.Axis(labelAngle=-30, orient="top", labelOverlap=False),
        ),
        y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=["group", "channel", "with consent", "people"],
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "with consent:Q", title=t("People with valid consent"), scale=alt.Scale(scheme="teals")
        )
    )
    labels = base.mark_text(fontSize=13).encode(
        text="with consent:Q",
        color=alt.condition(alt.datum["with consent"] > 8, alt.value("white"), alt.value("black")),
    )
    chart = (heat + labels).properties(height=alt.Step(34))
    widgets.chart(chart)
    st.dataframe(shown.rename(columns=tr), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader(t("Not featured for {n} months", n=int(months)))
        last = [day(d) if d else t("never") for d in overview.not_featured["last featured"]]
        not_featured = overview.not_featured.assign(
            role=overview.not_featured["role"].map(tr), **{"last featured": last}
        )
        st.dataframe(not_featured.rename(columns=tr), hide_index=True, width="stretch")
    with right:
        st.subheader(t("Over-exposed"))
        if overview.over_exposed.empty:
            st.caption(t("Nobody was featured more than {n} times in 30 days.", n=int(threshold)))
        else:
            st.dataframe(overview.over_exposed.rename(columns=tr), hide_index=True, width="stretch")


def renewals_view(db: Engine, actor: Actor) -> None:
    """Consents expiring soon with contact details and a ready message; takedowns to do."""
    settings = resources.settings()
    renewals = consent.expiring_consents(
        db, actor, date.today(), settings.consent_expiry_warning_days
    )
    st.subheader(
        t("Consents ending in the next {days} days", days=settings.consent_expiry_warning_days)
    )
    if not renewals:
        empty_state(t("No consent ends soon"), t("Nothing to renew right now."))
    for renewal in renewals:
        with st.container(border=True):
            st.markdown(
                t(
                    "**{person}** · ends {day} · {email} {phone}",
                    person=renewal.person,
                    day=day(renewal.expires_on),
                    email=renewal.email,
                    phone=renewal.phone,
                )
            )
            st.text_area(
                t("Renewal message for {person}", person=renewal.person),
                tr(renewal.message),
                height=180,
                key=f"role_models__renewal_{renewal.consent_id}",
            )
            if renewal.email:
                mailto = consent.renewal_mailto(
                    renewal.email, tr(consent.RENEWAL_SUBJECT), tr(renewal.message)
                )
                st.link_button(t("Open in my e-mail"), mailto)
    st.subheader(t("Takedowns to do"))
    tasks = consent.open_takedowns(db, actor)
    if not tasks:
        empty_state(t("No takedown pending"), t("Withdrawals list published posts here."))
    for task in tasks:
        with st.container(border=True):
            st.write(tr(task.description))
            if task.url:
                st.caption(task.url)
            if st.button(t("Mark as taken down"), key=f"role_models__takedown_{task.id}"):
                try:
                    consent.mark_takedown_done(db, actor, task.id)
                except SpotlightError as exc:
                    st.error(tr(exc.message))
                else:
                    flash(t("Marked as taken down."))
                    st.rerun()
