"""Reach: dashboards of the figures imported from the networks, the imports, the review queue."""

import streamlit as st

from campaigns.engagement import analytics, importing
from campaigns.errors import SpotlightError
from ui import resources
from ui.auth import signed_in
from ui.i18n import t, tr
from ui.reach_dashboards import (
    best_times_section,
    breakdown_section,
    compare_section,
    filters,
    kpi_tiles,
    person_section,
    top_posts_section,
    trend_section,
)
from ui.reach_imports import history, import_section, review_queue
from ui.widgets import empty_state, show_flash

actor = signed_in()
db = resources.engine()

st.title(t("Reach"))
show_flash()

waiting = importing.list_unmatched(db, actor)
# Tab names stay the same whatever the count, so that a rerun keeps the open tab.
dashboards, imports, queue = st.tabs(
    [t("Dashboards"), t("Import exports"), t("Waiting for a post")]
)

with imports:
    import_section(db, actor)
    st.subheader(t("Latest imports"))
    history(db, actor)

with queue:
    st.caption(t("{n} exported posts wait for someone to say which post they are.", n=len(waiting)))
    review_queue(db, actor, waiting)

with dashboards:
    try:
        data = resources.metrics()
    except SpotlightError as exc:
        st.error(tr(exc.message))
        st.stop()
    if data.posts.empty:
        empty_state(
            t("No reach figures yet"),
            t("Import the analytics exports of the networks (tab “Import exports”)."),
        )
        st.stop()
    chosen = filters(data)
    kpi_tiles(analytics.kpis(data, chosen))
    st.subheader(t("Over time"))
    trend_section(data, chosen)
    st.subheader(t("By campaign, network, account, role model or group"))
    breakdown_section(data, chosen)
    st.subheader(t("Posts that did best and least well"))
    top_posts_section(data, chosen)
    st.subheader(t("Role models over time"))
    person_section(data, chosen)
    st.subheader(t("Comparison"))
    compare_section(data, chosen)
    st.subheader(t("Best time to post"))
    best_times_section(data)
