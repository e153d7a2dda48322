"""Today: what needs attention now — upcoming and blocked posts, expiring consents, targets."""

import streamlit as st

from campaigns import demo
from campaigns.auth import Permission
from campaigns.errors import SpotlightError
from campaigns.targets import targets_progress
from ui import resources, state
from ui.auth import signed_in
from ui.i18n import pct, t, tr
from ui.today_views import today_consents
from ui.widgets import flash, show_flash

actor = signed_in()
db = resources.engine()

st.title(t("Today"))
show_flash()

if actor.can(Permission.MANAGE_USERS) and not demo.is_loaded(db):
    with st.container(border=True):
        st.markdown(t("**New here?** Load a demo dataset to see every page filled in."))
        if st.button(t("Load demo data"), key=state.HOME_DEMO_BUTTON, type="primary"):
            try:
                with st.spinner(t("Loading the demo data…")):
                    summary = demo.load_demo(db, resources.store(), actor)
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                flash(tr(summary.sentence()))
                st.cache_data.clear()
                st.rerun()

if actor.can(Permission.EDIT_CONTENT):
    today_consents(db, actor)

st.subheader(t("Progress towards our targets"))
headline = [
    line for line in targets_progress(db, actor)
    if line.key in ("women_enrolled", "women_instructors", "priority_students")
]  # fmt: skip
for column, line in zip(st.columns(3), headline, strict=True):
    with column, st.container(border=True):
        goal = t("Target: at least {share}", share=pct(line.target))
        if line.estimate is None:
            st.markdown(f"**{tr(line.label)}**")
            missing = (
                t("No count yet: record the tech instructors of a term on Applications & impact.")
                if line.key == "women_instructors"
                else t("No data yet: import applications to see where we stand.")
            )
            st.caption(goal + " · " + missing)
        else:
            # The metric's own label is cut to one line: the whole label is shown above it and
            # stays the metric's accessible name.
            st.markdown(f"**{tr(line.label)}**")
            st.metric(tr(line.label), pct(line.estimate.share), label_visibility="collapsed")
            st.caption(
                goal + " · " + t("95 % interval {low}–{high}", low=pct(line.estimate.ci_low),
                                 high=pct(line.estimate.ci_high))
            )  # fmt: skip
