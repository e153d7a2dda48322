"""Campaigns page parts: campaign list and form, accounts, a campaign's posts and the post form."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import posts, publishing, scheduling
from campaigns.auth import Actor, Permission
from campaigns.catalogue import CATEGORY_LABELS
from campaigns.engagement import analytics
from campaigns.errors import InvalidFields, SpotlightError
from campaigns.publishing import STATUS_LABELS, AccountView, CampaignView
from campaigns.scheduling import NETWORKS, TARGET_GROUPS, network_label
from ui import resources, state
from ui.i18n import moment, t, tr
from ui.widgets import empty_state, flash

ZONES = ("Europe/Paris", "Europe/London", "Europe/Brussels", "Europe/Berlin", "UTC")
POST_LANGUAGES = {"fr": "Français", "en": "English"}
CUSTOM_TIME = "custom"


def group_label(group: str) -> str:
    """A target group as people say it."""
    return t(CATEGORY_LABELS.get(group, group))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def campaign_table(items: list[CampaignView]) -> None:
    """Every campaign with its dates, status, target groups and posts."""
    if not items:
        empty_state(t("No campaigns yet"), t("Create one with the form above."))
        return
    frame = pd.DataFrame(
        {
            t("Name"): [c.name for c in items],
            t("Code"): [c.code for c in items],
            t("Starts"): [c.starts_on for c in items],
            t("Ends"): [c.ends_on for c in items],
            t("Status"): [t(c.status.capitalize()) for c in items],
            t("Target groups"): [", ".join(group_label(g) for g in c.target_groups) for c in items],
            t("Posts"): [c.posts for c in items],
            t("Blocked"): [c.blocked for c in items],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _field_errors(exc: InvalidFields) -> None:
    labels = {
        "name": t("Name"),
        "ends_on": t("End"),
        "channels": t("Channels"),
        "time": t("Time"),
    }
    for field, message in exc.fields.items():
        st.error(t("{label}: {value}", label=labels.get(field, field), value=tr(message)))


def campaign_form(db: Engine, actor: Actor) -> None:
    """The "New campaign" form; field problems are shown under it."""
    with st.form("campaigns__new", clear_on_submit=False):
        name = st.text_input(t("Name"), key="campaigns__name")
        code = st.text_input(
            t("Tracking code (leave empty to derive it from the name)"), key="campaigns__code"
        )
        objective = st.text_area(t("Objective"), height=70, key="campaigns__objective")
        groups = st.multiselect(
            t("Target groups"),
            TARGET_GROUPS,
            format_func=group_label,
            placeholder=t("Choose options"),
            key="campaigns__groups",
        )
        c1, c2 = st.columns(2)
        programmes = c1.text_input(
            t("Programmes promoted (comma-separated)"), key="campaigns__programmes"
        )
        comparison = c2.text_input(
            t("Comparison programmes, not promoted (comma-separated)"),
            key="campaigns__comparison",
        )
        channels = st.multiselect(
            t("Channels"),
            NETWORKS,
            format_func=network_label,
            placeholder=t("Choose options"),
            key="campaigns__channels",
        )
        c1, c2 = st.columns(2)
        starts = c1.date_input(t("Start"), value=date.today(), key="campaigns__starts")
        ends = c2.date_input(
            t("End"), value=date.today() + timedelta(days=30), key="campaigns__ends"
        )
        k1, k2, k3, k4 = st.columns(4)
        reach = k1.number_input(t("Reach target"), min_value=0, step=1000, key="campaigns__reach")
        clicks = k2.number_input(t("Link clicks target"), min_value=0, key="campaigns__clicks")
        applications = k3.number_input(
            t("Applications from the target group"), min_value=0, key="campaigns__applications"
        )
        share = k4.number_input(
            t("Target share (%)"), min_value=0, max_value=100, key="campaigns__share"
        )
        submitted = st.form_submit_button(t("Create the campaign"), type="primary")
    if not submitted:
        return
    kpis = (
        ("reach", float(reach)),
        ("clicks", float(clicks)),
        ("applications", float(applications)),
        ("target_share", float(share) / 100),
    )
    data = posts.CampaignInput(
        name=name,
        starts_on=starts if isinstance(starts, date) else date.today(),
        ends_on=ends if isinstance(ends, date) else date.today(),
        objective=objective,
        target_groups=tuple(groups),
        programmes=_split(programmes),
        comparison_programmes=_split(comparison),
        channels=tuple(channels),
        code=code,
        kpis=tuple((k, v) for k, v in kpis if v),
    )
    try:
        campaign_id = posts.create_campaign(db, actor, data)
    except InvalidFields as exc:
        _field_errors(exc)
        return
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state[state.CAMPAIGNS_SELECTED] = campaign_id
    flash(t("The campaign “{name}” is created.", name=name.strip()))
    st.rerun()


def accounts_section(db: Engine, actor: Actor, accounts: list[AccountView]) -> None:
    """The school's accounts and the form to add one."""
    if accounts:
        st.dataframe(
            pd.DataFrame(
                {
                    t("Name"): [a.name for a in accounts],
                    t("Network"): [network_label(a.network) for a in accounts],
                    t("Handle"): [a.handle for a in accounts],
                    t("Language"): [a.language for a in accounts],
                    t("Time zone"): [a.time_zone for a in accounts],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if not actor.can(Permission.EDIT_CONTENT):
        return
    with st.form("campaigns__account"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(t("Account name (e.g. FR Instagram)"), key="campaigns__account_name")
        network = c2.selectbox(
            t("Network"), NETWORKS, format_func=network_label, key="campaigns__account_network"
        )
        handle = c3.text_input(t("Handle"), key="campaigns__account_handle")
        c1, c2 = st.columns(2)
        language = c1.selectbox(
            t("Language"), list(POST_LANGUAGES), format_func=POST_LANGUAGES.__getitem__,
            key="campaigns__account_language",
        )  # fmt: skip
        zone = c2.selectbox(t("Time zone"), ZONES, key="campaigns__account_zone")
        submitted = st.form_submit_button(t("Add the account"))
    if not submitted:
        return
    try:
        posts.create_account(db, actor, name, network, handle, language, zone)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    flash(t("The account “{name}” is added.", name=name.strip()))
    st.rerun()


def post_table(items: list[posts.PostView]) -> None:
    """A campaign's posts with their time, account, status and checks."""
    if not items:
        empty_state(t("No posts yet"), t("Plan the first post with the form below."))
        return
    frame = pd.DataFrame(
        {
            t("When (account's time)"): [
                f"{moment(p.local_time, 'short')} {p.local_time.tzname()}" for p in items
            ],
            t("Account"): [p.account for p in items],
            t("Status"): [t(STATUS_LABELS.get(p.status, p.status)) for p in items],
            t("Text"): [p.text for p in items],
            t("Featured"): [", ".join(p.people) for p in items],
            t("Blocked because"): [" ".join(tr(r) for r in p.blocked_reasons) for p in items],
            t("Warnings"): [" ".join(tr(w) for w in p.warnings) for p in items],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def post_checks(detail: publishing.PostDetail) -> None:
    """A post's checks: blocking problems as errors, warnings as warnings."""
    if not detail.blocked_reasons and not detail.warnings:
        st.success(t("Post #{id}: every check passed.", id=detail.id))
    for reason in detail.blocked_reasons:
        st.error(t("Blocked: {reason}", reason=tr(reason)))
    for warning in detail.warnings:
        st.warning(tr(warning))


def _slot_label(slot: datetime) -> str:
    return f"{moment(slot, 'EEE d MMM, HH:mm')} ({slot.tzname()})"


def learned_slots(account_id: int, count: int = 3) -> list[tuple[int, int]]:
    """The account's best (weekday, hour) slots from its imported figures, when enough."""
    try:
        best = analytics.best_times(resources.metrics(), account_id)
    except SpotlightError:
        return []
    enough = best[best["enough"]].sort_values(["engagement_rate", "posts"], ascending=False)
    return [(int(r.weekday), int(r.hour)) for r in enough.head(count).itertuples()]


def post_form(db: Engine, actor: Actor, campaign_id: int, accounts: list[AccountView]) -> None:
    """The "New post" form: account, video, texts, link and a time in the account's zone."""
    if not accounts:
        st.info(t("Add an account first (Accounts, above)."))
        return
    by_id = {a.id: a for a in accounts}
    account_id = st.selectbox(
        t("Account"), list(by_id), format_func=lambda i: by_id[i].name,
        key=state.CAMPAIGNS_POST_ACCOUNT,
    )  # fmt: skip
    account = by_id[int(account_id)]
    versions = {v.id: v for v in publishing.ready_versions(db, actor)}
    learned = learned_slots(account.id)
    slots = scheduling.next_good_slots(
        account.network, datetime.now().astimezone(), account.time_zone, learned=learned
    )
    if learned:
        st.caption(t("Good times come from this account's own figures (Reach, best time)."))
    choices = [s.isoformat() for s in slots] + [CUSTOM_TIME]
    with st.form(f"campaigns__post_{campaign_id}"):
        version_id = st.selectbox(
            t("Video version (ready ones only)"), [None, *versions],
            format_func=lambda i: t("No video") if i is None else versions[i].label,
            key="campaigns__post_version",
        )  # fmt: skip
        text = st.text_area(t("Text"), key="campaigns__post_text")
        hashtags = st.text_input(t("Hashtags (space-separated)"), key="campaigns__post_hashtags")
        first_comment = st.text_input(t("First comment"), key="campaigns__post_comment")
        alt_text = st.text_input(t("Alt text"), key="campaigns__post_alt")
        link = st.text_input(t("Link (tracking is added)"), key="campaigns__post_link")
        slot = st.radio(
            t("Good times for {network} ({zone})", network=network_label(account.network),
              zone=account.time_zone),
            choices,
            format_func=lambda c: (
                t("Another time (below)") if c == CUSTOM_TIME
                else _slot_label(datetime.fromisoformat(c))
            ),
            key="campaigns__post_slot",
        )  # fmt: skip
        c1, c2 = st.columns(2)
        day = c1.date_input(
            t("Date"), value=date.today() + timedelta(days=1), key="campaigns__post_date"
        )
        hour = c2.time_input(t("Time"), value=time(12, 0), key="campaigns__post_time")
        submitted = st.form_submit_button(t("Plan the post"), type="primary")
    if not submitted:
        return
    if slot == CUSTOM_TIME:
        local = datetime.combine(day if isinstance(day, date) else date.today(), hour)
    else:
        local = datetime.fromisoformat(str(slot)).replace(tzinfo=None)
    data = posts.PostInput(
        campaign_id=campaign_id,
        account_id=account.id,
        local_time=local,
        text=text,
        link=link,
        hashtags=tuple(hashtags.replace(",", " ").split()),
        first_comment=first_comment,
        alt_text=alt_text,
        portrait_version_id=version_id,
    )
    try:
        post_id = posts.create_post(db, actor, data)
    except InvalidFields as exc:
        _field_errors(exc)
        return
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state[state.CAMPAIGNS_LAST_POST] = post_id
    flash(t("The post is planned as a draft; its checks are below."))
    st.rerun()
