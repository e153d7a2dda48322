"""Accounts & audit: who may use Spotlight with which role, and who changed what."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from campaigns import accounts, audit
from campaigns.auth import ROLE_LABELS, Role
from campaigns.db import utcnow
from campaigns.errors import SpotlightError
from ui import resources, state
from ui.auth import signed_in
from ui.i18n import moment, t, tr
from ui.widgets import empty_state, flash, show_flash

actor = signed_in()
db = resources.engine()
zone = resources.settings().zone

st.title(t("Accounts & audit"))
show_flash()
accounts_tab, audit_tab = st.tabs([t("Accounts"), t("Audit trail")])

with accounts_tab:
    try:
        people = accounts.list_users(db, actor)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        st.stop()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("E-mail"): a.email,
                    t("Name"): a.display_name,
                    t("Role"): t(ROLE_LABELS[a.role]),
                    t("Active"): a.active,
                    t("Signs in with"): t("password") if a.has_password else t("single sign-on"),
                }
                for a in people
            ]
        ),
        hide_index=True,
        width="stretch",
    )

    role_names = list(Role)
    with st.form("admin__new_user", clear_on_submit=True):
        st.markdown(t("**Invite a team member**"))
        email = st.text_input(t("E-mail"), key="admin__new_email")
        name = st.text_input(t("Name"), key="admin__new_name")
        role = st.selectbox(
            t("Role"), role_names, format_func=lambda r: t(ROLE_LABELS[r]), key="admin__new_role"
        )
        password = st.text_input(
            t("Password (leave empty for single sign-on only)"),
            type="password",
            key="admin__new_password",
        )
        if st.form_submit_button(t("Create the account"), type="primary"):
            try:
                created = accounts.create_user(db, actor, email, role, name, password or None)
            except SpotlightError as exc:
                st.error(tr(exc.message))
            else:
                flash(t("Created the account {email}.", email=created.email))
                st.rerun()

    st.markdown(t("**Change a role or disable an account**"))
    by_email = {a.email: a for a in people}
    chosen = st.selectbox(
        t("Account"),
        list(by_email),
        index=None,
        placeholder=t("Choose an account"),
        key="admin__edit_email",
    )
    if chosen:
        current = by_email[chosen]
        # The form's key follows the account, so it opens with that account's role and state.
        with st.form(f"admin__edit_user_{current.id}"):
            new_role = st.selectbox(
                t("Role"),
                role_names,
                index=role_names.index(current.role),
                format_func=lambda r: t(ROLE_LABELS[r]),
                key=f"admin__edit_role_{current.id}",
            )
            active = st.checkbox(
                t("Account is active"), value=current.active, key=f"admin__edit_active_{current.id}"
            )
            if st.form_submit_button(t("Save the change")):
                try:
                    accounts.update_user(db, actor, current.id, role=new_role, active=active)
                except SpotlightError as exc:
                    st.error(tr(exc.message))
                else:
                    flash(t("Saved the change to {email}.", email=chosen))
                    st.rerun()

with audit_tab:
    entity_types, actions = audit.known_filters(db)
    c1, c2, c3, c4 = st.columns(4)
    entity = c1.selectbox(
        t("What"),
        ["", *entity_types],
        key=state.ADMIN_AUDIT_ENTITY,
        format_func=lambda v: v or t("Everything"),
    )
    action = c2.selectbox(
        t("Action"),
        ["", *actions],
        key=state.ADMIN_AUDIT_ACTION,
        format_func=lambda v: v or t("Every action"),
    )
    who = c3.text_input(t("Who (e-mail contains)"), key=state.ADMIN_AUDIT_ACTOR)
    days = c4.number_input(
        t("Last N days"), min_value=1, max_value=3650, value=30, key=state.ADMIN_AUDIT_DAYS
    )
    events = audit.list_events(
        db,
        actor,
        entity_type=entity or None,
        action=action or None,
        actor_email=who or None,
        since=utcnow() - timedelta(days=int(days)),
    )
    if not events:
        empty_state(t("No changes match"), t("Widen the period or clear a filter."))
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("When"): moment(e.at.astimezone(zone), "short"),
                        t("Who"): e.actor_email,
                        t("Action"): e.action,
                        t("What"): f"{e.entity_type} #{e.entity_id}",
                        t("Change"): audit.describe_changes(e.changes),
                    }
                    for e in events
                ]
            ),
            hide_index=True,
            width="stretch",
        )
