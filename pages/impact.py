"""Applications & impact: targets, the effect of a campaign, tracked applications, imports."""

import streamlit as st

from campaigns import applications, publishing
from ui import resources
from ui.auth import signed_in
from ui.i18n import t
from ui.impact_imports import demo_file, import_section, instructors_form, last_rejections
from ui.impact_views import attribution_view, effect_view, targets_view
from ui.report_views import mission_report_section
from ui.widgets import empty_state, show_flash

actor = signed_in()
db = resources.engine()

st.title(t("Applications & impact"))
show_flash()
last_rejections()

if applications.count_applications(db) == 0:
    empty_state(
        t("No applications yet"),
        t("Import an export of the admissions system to follow the targets and measure the "
          "effect of campaigns, with its uncertainty."),
    )  # fmt: skip
    demo_file(db, actor)
    import_section(db, actor)
    st.stop()

targets_tab, effect_tab, tracked_tab, import_tab = st.tabs(
    [t("Targets"), t("Effect of a campaign"), t("Tracked applications"), t("Import")]
)
with targets_tab:
    targets_view(db, actor)
    st.subheader(t("Tech instructors"))
    instructors_form(db, actor)
    st.subheader(t("Mission report"))
    mission_report_section(db, actor)

campaigns = publishing.list_campaigns(db, actor)
by_id = {c.id: c for c in campaigns}
with effect_tab:
    if campaigns:
        chosen = st.selectbox(
            t("Campaign"), list(by_id), format_func=lambda i: by_id[i].name,
            key="impact__campaign",
        )  # fmt: skip
        effect_view(db, actor, by_id[int(chosen)])
with tracked_tab:
    if campaigns:
        chosen_tracked = st.selectbox(
            t("Campaign"), list(by_id), format_func=lambda i: by_id[i].name,
            key="impact__campaign_tracked",
        )  # fmt: skip
        attribution_view(db, actor, by_id[int(chosen_tracked)])
with import_tab:
    demo_file(db, actor)
    import_section(db, actor)
