"""Calendar: every planned and published post by month, week or list, and the open post."""

from datetime import date

import streamlit as st

from campaigns import posts
from campaigns.i18n import N_
from ui import resources, state
from ui.auth import signed_in
from ui.calendar_views import (
    Palette,
    colours,
    exports,
    filtered,
    list_view,
    month_view,
    open_menu,
    post_panel,
    representation,
    week_view,
)
from ui.i18n import t
from ui.widgets import show_flash

VIEWS = {"month": N_("Month"), "week": N_("Week"), "list": N_("List")}
COLOUR_BY = {"campaign": N_("Campaign"), "group": N_("Target group")}

actor = signed_in()
db = resources.engine()

st.title(t("Calendar"))
show_flash()

every_post = posts.list_posts(db, actor)
shown = filtered(every_post)
c1, c2, c3 = st.columns([2, 2, 1])
view = c1.radio(
    t("View"), list(VIEWS), format_func=lambda v: t(VIEWS[v]), horizontal=True,
    key=state.CALENDAR_VIEW,
)  # fmt: skip
by = c2.radio(
    t("Colour by"), list(COLOUR_BY), format_func=lambda v: t(COLOUR_BY[v]), horizontal=True,
    key=state.CALENDAR_COLOUR_BY,
)  # fmt: skip
anchor = c3.date_input(t("Showing"), value=date.today(), key=state.CALENDAR_DAY)
day = anchor if isinstance(anchor, date) else date.today()
palette = Palette(by, colours(every_post, by))
st.caption(palette.legend())
open_menu(shown)

selected = st.session_state.get(state.CALENDAR_SELECTED)
if selected is not None:
    # The open post spans the page above the calendar: beside it, the month's seven columns
    # were too narrow to read and the panel's buttons were cut to their first letters.
    with st.container(border=True):
        post_panel(db, actor, int(selected))
if view == "month":
    month_view(shown, day, palette)
elif view == "week":
    week_view(shown, day, palette)
else:
    list_view(shown, palette)

st.subheader(t("Exports"))
exports(db, actor)
st.subheader(t("Representation this month"))
representation(db, actor, day)
