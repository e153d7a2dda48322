"""Campaigns: themes, goals, the school's accounts, and the posts that carry each campaign."""

import streamlit as st

from campaigns import posts, publishing
from campaigns.auth import Permission
from campaigns.errors import SpotlightError
from ui import resources, state
from ui.accessibility_views import accessibility_section
from ui.auth import signed_in
from ui.campaign_views import (
    accounts_section,
    campaign_form,
    campaign_table,
    post_checks,
    post_form,
    post_table,
)
from ui.i18n import day, t, tr
from ui.report_views import campaign_report_section
from ui.widgets import show_flash

actor = signed_in()
db = resources.engine()
editor = actor.can(Permission.EDIT_CONTENT)

st.title(t("Campaigns"))
show_flash()

if editor:
    with st.expander(t("New campaign"), expanded=False):
        campaign_form(db, actor)
items = publishing.list_campaigns(db, actor)
campaign_table(items)

accounts = publishing.list_accounts(db, actor)
with st.expander(t("Accounts ({count})", count=len(accounts)), expanded=not accounts):
    accounts_section(db, actor, accounts)

if not items:
    st.stop()

by_id = {c.id: c for c in items}
if st.session_state.get(state.CAMPAIGNS_SELECTED) not in by_id:
    st.session_state[state.CAMPAIGNS_SELECTED] = items[0].id
campaign_id = st.selectbox(
    t("Campaign"), list(by_id), format_func=lambda i: by_id[i].name, key=state.CAMPAIGNS_SELECTED
)
campaign = by_id[int(campaign_id)]
st.header(campaign.name)
st.caption(
    " · ".join(
        [
            campaign.code,
            f"{day(campaign.starts_on)} – {day(campaign.ends_on)}",
            t("{posts} posts, {blocked} blocked", posts=campaign.posts, blocked=campaign.blocked),
        ]
    )
)
if campaign.objective:
    st.text(campaign.objective)
campaign_report_section(actor, campaign)

post_table(posts.list_posts(db, actor, campaign_id=campaign.id))

last = st.session_state.get(state.CAMPAIGNS_LAST_POST)
if last is not None:
    try:
        post_checks(publishing.get_post(db, actor, int(last)))
    except SpotlightError as exc:
        st.error(tr(exc.message))

accessibility_section(db, actor, campaign.id)

if editor:
    st.subheader(t("New post"))
    post_form(db, actor, campaign.id, accounts)
