"""Calendar page parts: filters, month/week/list views, the post panel, exports, representation."""

from __future__ import annotations

import calendar as cal
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import posts, publishing
from campaigns.auth import Actor, Permission
from campaigns.errors import SpotlightError
from campaigns.i18n import N_
from campaigns.posts import PostView
from campaigns.publishing import STATUS_LABELS, PostDetail
from campaigns.scheduling import POST_STATUSES
from ui import i18n, resources, state
from ui.campaign_views import group_label
from ui.i18n import t, tr
from ui.widgets import flash

COLOURS = (N_("blue"), N_("green"), N_("orange"), N_("violet"), N_("red"), N_("gray"))
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")
WORKFLOW = (
    ("submit", N_("Submit for review")),
    ("approve", N_("Approve")),
    ("schedule", N_("Mark as scheduled")),
    ("cancel", N_("Cancel the post")),
)


def plain(text: str) -> str:
    """Text shown literally in a markdown label (no formatting, no links, no HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def colour_key(post: PostView, by: str) -> str:
    """What a post's colour stands for: its campaign, or its campaign's target groups."""
    if by == "group":
        return ", ".join(group_label(g) for g in post.target_groups) or t("No target group")
    return post.campaign


def colours(items: list[PostView], by: str) -> dict[str, str]:
    """One colour per campaign (or per set of target groups), stable by name."""
    names = sorted({colour_key(p, by) for p in items})
    return {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}


@dataclass(frozen=True, slots=True)
class Palette:
    """The colours in use and what they stand for."""

    by: str
    colours: dict[str, str]

    def of(self, post: PostView) -> str:
        """The colour of one post."""
        return self.colours.get(colour_key(post, self.by), "gray")

    def letter(self, name: str) -> str:
        """The letter written beside a colour and in the legend for what it stands for."""
        # Colour never speaks alone, and six colours can then serve more than six campaigns.
        names = list(self.colours)
        if name not in names:
            return "?"
        index = names.index(name)
        return chr(ord("A") + index) if index < 26 else str(index + 1)

    def mark(self, post: PostView) -> str:
        """A post's colour square and letter, as markdown."""
        return f":{self.of(post)}[■] **{self.letter(colour_key(post, self.by))}**"

    def legend(self) -> str:
        """What each colour and letter stands for, as markdown."""
        return " · ".join(
            f":{colour}[■] **{self.letter(name)}** {plain(name)}"
            for name, colour in self.colours.items()
        )


def filtered(items: list[PostView]) -> list[PostView]:
    """The posts that pass the filters chosen above the calendar."""
    c1, c2, c3, c4 = st.columns(4)
    accounts = c1.multiselect(
        t("Account"),
        sorted({p.account for p in items}),
        placeholder=t("Choose options"),
        key="calendar__accounts",
    )
    campaigns = c2.multiselect(
        t("Campaign"),
        sorted({p.campaign for p in items}),
        placeholder=t("Choose options"),
        key="calendar__campaigns",
    )
    statuses = c3.multiselect(
        t("Status"), POST_STATUSES, format_func=lambda s: t(STATUS_LABELS[s]),
        placeholder=t("Choose options"), key="calendar__statuses",
    )  # fmt: skip
    people = c4.multiselect(
        t("Role model"),
        sorted({n for p in items for n in p.people}),
        placeholder=t("Choose options"),
        key="calendar__people",
    )
    return [
        p
        for p in items
        if (not accounts or p.account in accounts)
        and (not campaigns or p.campaign in campaigns)
        and (not statuses or p.status in statuses)
        and (not people or set(p.people) & set(people))
    ]


def _label(post: PostView) -> str:
    words = post.text.split()
    blocked = "⛔ " if post.blocked_reasons else ""
    short = " ".join(words[:5]) + ("…" if len(words) > 5 else "")
    when = f"{i18n.moment(post.local_time, 'HH:mm')} {post.account}"
    return blocked + t("{label}: {value}", label=when, value=short)


def _close() -> None:
    st.session_state.pop(state.CALENDAR_SELECTED, None)
    st.session_state.pop(state.CALENDAR_OPENED_VERSION, None)
    # Set, not removed: the menu then shows "Choose a post" and can open the same post again.
    st.session_state[state.CALENDAR_OPEN_MENU] = None


def _open(post: PostView) -> None:
    st.session_state[state.CALENDAR_SELECTED] = post.id
    st.session_state[state.CALENDAR_OPENED_VERSION] = post.version


def _day_cell(day: date, items: list[PostView], palette: Palette, muted: bool) -> None:
    st.markdown(f"**{day.day}**" if not muted else f":gray[{day.day}]")
    for post in items:
        st.markdown(palette.mark(post) + " " + plain(t(STATUS_LABELS[post.status])))
        st.button(
            plain(_label(post)),
            help=plain(_label(post)),
            key=f"calendar__open_{post.id}",
            on_click=_open,
            args=(post,),
            width="stretch",
        )


def _capitalised(text: str) -> str:
    # A month heading starts with a capital, "novembre 2026" too.
    return text[:1].upper() + text[1:]


def _when(moment: datetime) -> str:
    """A post's time in its account's zone, as tables show it."""
    return f"{i18n.moment(moment, 'short')} {moment.tzname() or ''}".strip()


def _by_day(items: list[PostView]) -> dict[date, list[PostView]]:
    days: dict[date, list[PostView]] = {}
    for post in items:
        days.setdefault(post.local_time.date(), []).append(post)
    return days


def month_view(items: list[PostView], anchor: date, palette: Palette) -> None:
    """A month grid, Monday first; each post is a button that opens its panel."""
    days = _by_day(items)
    st.subheader(_capitalised(i18n.day(anchor, "LLLL y")))
    weeks = cal.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
    for cell, weekday in zip(st.columns(7), weeks[0], strict=True):
        cell.markdown(f"**{i18n.day(weekday, 'EEE')}**")
    for week in weeks:
        cells = st.columns(7, border=True)
        for cell, day in zip(cells, week, strict=True):
            with cell:
                _day_cell(day, days.get(day, []), palette, day.month != anchor.month)


def week_view(items: list[PostView], anchor: date, palette: Palette) -> None:
    """The seven days of the week around the chosen day."""
    days = _by_day(items)
    monday = anchor - timedelta(days=anchor.weekday())
    st.subheader(t("Week of {day}", day=i18n.day(monday, "long")))
    cells = st.columns(7, border=True)
    for offset, cell in enumerate(cells):
        day = monday + timedelta(days=offset)
        with cell:
            st.markdown(f"**{i18n.day(day, 'EEE')}**")
            _day_cell(day, days.get(day, []), palette, False)


def list_view(items: list[PostView], palette: Palette) -> None:
    """Every post as a table, and a menu to open one."""
    if not items:
        st.info(t("No posts match the filters."))
        return
    frame = pd.DataFrame(
        {
            t("When (account's time)"): [_when(p.local_time) for p in items],
            t("Campaign"): [p.campaign for p in items],
            t("Colour"): [t(palette.of(p)) for p in items],
            t("Account"): [p.account for p in items],
            t("Status"): [t(STATUS_LABELS[p.status]) for p in items],
            t("Text"): [p.text for p in items],
            t("Featured"): [", ".join(p.people) for p in items],
            t("Blocked because"): [" ".join(tr(r) for r in p.blocked_reasons) for p in items],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def open_menu(items: list[PostView]) -> None:
    """A menu to open any post shown, for keyboards and screen readers."""
    by_id = {p.id: p for p in items}
    choice = st.selectbox(
        t("Open a post"), [None, *by_id],
        format_func=lambda i: t("Choose a post") if i is None else _label(by_id[i]),
        placeholder=t("Choose a post"),
        key=state.CALENDAR_OPEN_MENU,
    )  # fmt: skip
    if choice is not None and st.session_state.get(state.CALENDAR_SELECTED) != choice:
        _open(by_id[int(choice)])


def _edit_form(db: Engine, actor: Actor, detail: PostDetail, opened: int) -> None:
    with st.form(f"calendar__edit_{detail.id}"):
        text = st.text_area(t("Text"), value=detail.text, key=f"calendar__text_{detail.id}")
        c1, c2 = st.columns(2)
        day = c1.date_input(
            t("Date ({zone})", zone=detail.time_zone), value=detail.local_time.date(),
            key=f"calendar__date_{detail.id}",
        )  # fmt: skip
        hour = c2.time_input(
            t("Time"), value=detail.local_time.time().replace(tzinfo=None),
            key=f"calendar__time_{detail.id}",
        )  # fmt: skip
        saved = st.form_submit_button(t("Save"))
    if not saved:
        return
    data = posts.PostInput(
        campaign_id=detail.campaign_id,
        account_id=detail.account_id,
        local_time=datetime.combine(day if isinstance(day, date) else detail.local_time, hour),
        text=text,
        link=detail.link,
        hashtags=detail.hashtags,
        first_comment=detail.first_comment,
        alt_text=detail.alt_text,
        portrait_version_id=detail.portrait_version_id,
        role_model_ids=detail.role_model_ids,
    )
    try:
        posts.update_post(db, actor, detail.id, opened, data)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state.pop(state.CALENDAR_OPENED_VERSION, None)
    flash(t("The post is saved."))
    st.rerun()


def _signoff_form(db: Engine, actor: Actor, detail: PostDetail, opened: int) -> None:
    with st.expander(t("Record the person's sign-off")), st.form(f"calendar__signoff_{detail.id}"):
        st.caption(t("Optional: the featured person saw this post and agreed to it."))
        on = st.date_input(t("Signed off on"), value=date.today(), max_value=date.today())
        how = st.selectbox(
            t("How"), posts.SIGNOFF_WAYS, format_func=t, accept_new_options=True,
            key=f"calendar__signoff_how_{detail.id}",
        )  # fmt: skip
        if not st.form_submit_button(t("Record the sign-off")):
            return
    try:
        day = on if isinstance(on, date) else date.today()
        posts.record_signoff(db, actor, detail.id, opened, day, str(how or ""))
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state.pop(state.CALENDAR_OPENED_VERSION, None)
    flash(t("The sign-off is recorded."))
    st.rerun()


def _move(db: Engine, actor: Actor, detail: PostDetail, opened: int, action: str, url: str) -> None:
    try:
        status = posts.move_post(db, actor, detail.id, opened, action, published_url=url)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state.pop(state.CALENDAR_OPENED_VERSION, None)
    flash(t("The post is now {status}.", status=t(STATUS_LABELS[status]).lower()))
    st.rerun()


def post_panel(db: Engine, actor: Actor, post_id: int) -> None:
    """The open post: its facts and checks, edit, workflow buttons and its publishing pack."""
    try:
        detail = publishing.get_post(db, actor, post_id)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        st.session_state.pop(state.CALENDAR_SELECTED, None)
        return
    opened = int(st.session_state.setdefault(state.CALENDAR_OPENED_VERSION, detail.version))
    st.button(t("Close"), key="calendar__close", on_click=_close)
    st.subheader(t("Post #{id}", id=detail.id))
    st.caption(
        " · ".join(
            [
                detail.campaign,
                detail.account,
                f"{i18n.moment(detail.local_time, 'd MMM y, HH:mm')} ({detail.time_zone})",
                t(STATUS_LABELS[detail.status]),
            ]
        )
    )
    st.text(t("Featured: {people}", people=", ".join(detail.people) or "—"))
    if detail.link:
        st.text(t("Link: {link}", link=detail.link))
    if detail.approved_by:
        st.text(t("Approved by {who}", who=detail.approved_by))
    if detail.published_url:
        st.text(t("Published at {url}", url=detail.published_url))
    if detail.signoff_on is not None:
        st.text(
            t("Signed off by the person on {day} ({how})", day=i18n.day(detail.signoff_on),
              how=detail.signoff_how)
        )  # fmt: skip
    for reason in detail.blocked_reasons:
        st.error(t("Blocked: {reason}", reason=tr(reason)))
    for warning in detail.warnings:
        st.warning(tr(warning))
    if not actor.can(Permission.EDIT_CONTENT):
        return
    if detail.status not in ("published", "cancelled"):
        _edit_form(db, actor, detail, opened)
    # Two to a row: four side by side cut French labels to their first letters.
    for start in range(0, len(WORKFLOW), 2):
        row = zip(st.columns(2), WORKFLOW[start : start + 2], strict=False)
        for column, (action, label) in row:
            if column.button(t(label), key=f"calendar__{action}_{detail.id}"):
                _move(db, actor, detail, opened, action, "")
    if detail.people and detail.signoff_on is None:
        _signoff_form(db, actor, detail, opened)
    url = st.text_input(t("Address or id on the network"), key=f"calendar__url_{detail.id}")
    if st.button(t("Mark as published"), key=f"calendar__publish_{detail.id}"):
        _move(db, actor, detail, opened, "publish", url)
    if st.button(t("Prepare the publishing pack"), key=f"calendar__pack_{detail.id}"):
        try:
            pack = publishing.publishing_pack(db, resources.store(), actor, detail.id)
        except SpotlightError as exc:
            st.error(tr(exc.message))
            return
        st.download_button(
            t("Download the publishing pack (.zip)"), pack, file_name=f"post-{detail.id}.zip",
            mime="application/zip", key=f"calendar__pack_download_{detail.id}", on_click="ignore",
        )  # fmt: skip


def exports(db: Engine, actor: Actor) -> None:
    """Download buttons for the approved and scheduled posts as .ics and CSV."""
    c1, c2 = st.columns(2)
    c1.download_button(
        t("Calendar file (.ics)"), publishing.calendar_ics(db, actor), file_name="spotlight.ics",
        mime="text/calendar", key="calendar__ics", on_click="ignore",
    )  # fmt: skip
    c2.download_button(
        t("Bulk scheduler file (.csv)"), publishing.scheduler_csv(db, actor),
        file_name="spotlight-posts.csv", mime="text/csv", key="calendar__csv", on_click="ignore",
    )  # fmt: skip


def representation(db: Engine, actor: Actor, anchor: date) -> None:
    """Share of a campaign's posts this month featuring each target group, against the plan."""
    campaigns = publishing.list_campaigns(db, actor)
    if not campaigns:
        return
    by_id = {c.id: c.name for c in campaigns}
    campaign_id = st.selectbox(
        t("Campaign"), list(by_id), format_func=by_id.__getitem__, key="calendar__repr_campaign"
    )
    shown = publishing.campaign_representation(db, actor, int(campaign_id), anchor)
    st.caption(
        t(
            "{posts} posts in {month}", posts=shown.posts,
            month=i18n.day(shown.month, "LLLL y"),
        )
    )  # fmt: skip
    if not shown.groups:
        st.info(t("This campaign names no target groups and features nobody from one yet."))
        return
    frame = pd.DataFrame(
        {
            t("Group"): [t(g.label) for g in shown.groups],
            t("Targeted by the campaign"): [
                t("yes") if g.targeted else t("no") for g in shown.groups
            ],
            t("Posts featuring the group"): [g.posts for g in shown.groups],
            t("Share of posts"): [i18n.pct(g.share) for g in shown.groups],
            t("Planned share"): [
                i18n.pct(shown.target_share) if g.targeted and shown.target_share else "—"
                for g in shown.groups
            ],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
