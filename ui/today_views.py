"""The blocks of the Today page that need the catalogue (editors and above)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import streamlit as st
from sqlalchemy import Engine

from campaigns import consent, posts
from campaigns.auth import Actor
from campaigns.publishing import STATUS_LABELS
from ui import resources
from ui.i18n import day, moment, t, tr
from ui.widgets import empty_state

UPCOMING = "EEE d MMM, HH:mm"  # a post's time in the lists: "Mon 30 Nov, 14:05"


def today_consents(db: Engine, actor: Actor) -> None:
    """Upcoming and blocked posts, consents expiring soon, withdrawals and takedowns."""
    days = resources.settings().consent_expiry_warning_days
    today = date.today()
    left, right = st.columns(2)
    with left:
        _posts(db, actor)
    with right:
        st.subheader(t("Consents expiring soon"))
        renewals = consent.expiring_consents(db, actor, today, days)
        if not renewals:
            empty_state(
                t("No consent expires soon"),
                t("Consents that end within {days} days will be listed here.", days=days),
            )
        for renewal in renewals:
            st.markdown(
                t(
                    "**{person}** · ends {day}",
                    person=renewal.person,
                    day=day(renewal.expires_on),
                )
            )
        if renewals:
            st.page_link("pages/role_models.py", label=t("Prepare the renewal messages"), icon="✉️")
        withdrawals = consent.recent_withdrawals(db, actor, today - timedelta(days=30))
        takedowns = consent.open_takedowns(db, actor)
        if withdrawals or takedowns:
            st.subheader(t("Withdrawals"))
            for item in withdrawals:
                st.markdown(
                    t(
                        "**{person}** withdrew consent on {day} ({channel}).",
                        person=item.person,
                        day=day(item.withdrawn_on),
                        channel=item.channel,
                    )
                )
            if takedowns:
                st.warning(
                    t("{n} published post(s) still to take down.", n=len(takedowns)),
                    icon=":material/warning:",
                )
                st.page_link("pages/role_models.py", label=t("See the takedown list"))


@st.cache_data(ttl=60, show_spinner=False)
def _recheck(_db: Engine, day: date) -> int:
    # Consents expire with time: the checks run again at most once a minute.
    return posts.recheck_posts(_db, day)


def _posts(db: Engine, actor: Actor) -> None:
    _recheck(db, date.today())
    planned = posts.list_posts(db, actor, statuses=("draft", "in_review", "approved", "scheduled"))
    now = datetime.now(UTC)
    soon = [p for p in planned if now <= p.local_time <= now + timedelta(days=14)]
    st.subheader(t("Upcoming posts"))
    if not soon:
        empty_state(
            t("No posts planned"),
            t("Posts planned on the calendar for the next 14 days will be listed here."),
        )
    for item in soon[:10]:
        st.markdown(
            t(
                "**{when}** · {account} · {status}",
                when=moment(item.local_time, UPCOMING),
                account=item.account,
                status=t(STATUS_LABELS.get(item.status, item.status)),
            )
        )
    st.subheader(t("Posts blocked by a problem"))
    blocked = [p for p in planned if p.blocked_reasons]
    if not blocked:
        empty_state(
            t("Nothing blocked"),
            t(
                "Posts that cannot go out (consent withdrawn or expired, missing captions…) "
                "show here."
            ),
        )
    for item in blocked:
        st.error(
            t("{when} · {account}: {reasons}", when=moment(item.local_time, UPCOMING),
              account=item.account, reasons=" ".join(tr(r) for r in item.blocked_reasons)),
            icon=":material/block:",
        )  # fmt: skip
