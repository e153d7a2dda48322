"""The demo dataset: accounts of every role, loaded once, refused to non-admins."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from campaigns import accounts, demo
from campaigns.accessibility import campaign_accessibility
from campaigns.auth import SYSTEM, Actor, Role
from campaigns.errors import PermissionDenied
from campaigns.publishing import list_campaigns
from campaigns.storage import LocalStore


def test_demo_creates_one_account_per_role_that_can_sign_in(db: Engine, store: LocalStore) -> None:
    assert not demo.is_loaded(db)
    summary = demo.load_demo(db, store)
    assert summary.created["demo accounts"] == 4
    assert demo.is_loaded(db)
    roles = {a.role for a in accounts.list_users(db, SYSTEM)}
    assert roles == set(Role)
    assert accounts.sign_in(db, "editor@demo.example.org", demo.DEMO_PASSWORD).role is Role.EDITOR


def test_loading_twice_duplicates_nothing(db: Engine, store: LocalStore) -> None:
    demo.load_demo(db, store)
    again = demo.load_demo(db, store)
    assert again.sentence() == "The demo data was already loaded; nothing was added."
    assert len(accounts.list_users(db, SYSTEM)) == 4


def test_only_an_administrator_may_load_the_demo(db: Engine, store: LocalStore) -> None:
    editor = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)
    with pytest.raises(PermissionDenied):
        demo.load_demo(db, store, editor)
    assert not demo.is_loaded(db)


def test_the_demo_campaigns_show_a_few_accessibility_gaps(db: Engine, store: LocalStore) -> None:
    demo.load_demo(db, store)
    found = {c.name: campaign_accessibility(db, c.id) for c in list_campaigns(db, SYSTEM)}
    women = found["Women in tech — spring intake"]
    assert [g.title for g in women.missing_captions] == ["Amina left retail for code. #WomenInTech"]
    assert women.with_alt_text == women.posts and women.with_transcript == women.video_posts
    week = found["Disability employment week"]
    assert [g.title for g in week.missing_alt_text] == ["Our week of inclusion, in pictures."]
    changers = found["Career changers at 40+"]
    assert [g.title for g in changers.missing_transcript] == ["Karim changed careers at 47."]
