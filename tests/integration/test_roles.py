"""Every write is refused to a role that may not make it, before anything is touched.

One table: each write operation of the services, the roles that may not call it, and a call.
The database's audit trail (every write records one line) and row counts must not move.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from campaigns import accounts, applications, catalogue, consent, portraits, posts, privacy
from campaigns.auth import Actor, Role
from campaigns.db import Base, read_only
from campaigns.engagement import importing
from campaigns.engagement.parsing import ColumnMapping
from campaigns.errors import PermissionDenied
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, profile

Write = Callable[[Engine, LocalStore, Actor], object]
SOON = datetime.combine(date.today() + timedelta(days=5), datetime.min.time())

# (name, roles refused, the call) — ids point at nothing: the role check comes first.
WRITES: list[tuple[str, tuple[Role, ...], Write]] = [
    ("create a role model", (Role.VIEWER,),
     lambda db, store, a: catalogue.create_role_model(db, a, profile())),
    ("edit a role model", (Role.VIEWER,),
     lambda db, store, a: catalogue.update_role_model(db, a, 1, profile())),
    ("archive a role model", (Role.VIEWER,),
     lambda db, store, a: catalogue.set_archived(db, a, 1, True)),
    ("set a photo", (Role.VIEWER,),
     lambda db, store, a: catalogue.set_photo(db, store, a, 1, b"x", "p.jpg", "alt")),
    ("add a quote", (Role.VIEWER,),
     lambda db, store, a: catalogue.add_quote(db, a, 1, "Hi", None, "e-mail")),
    ("record a consent", (Role.VIEWER,),
     lambda db, store, a: consent.record_consent(
         db, store, a, 1, consent_form(date.today()), consent.Proof("p.pdf", PDF))),
    ("attach a proof", (Role.VIEWER,),
     lambda db, store, a: consent.attach_proof(db, store, a, 1, consent.Proof("p.pdf", PDF))),
    ("withdraw a consent", (Role.VIEWER,),
     lambda db, store, a: consent.withdraw_consent(db, a, 1, date.today(), "e-mail")),
    ("mark a takedown done", (Role.VIEWER,),
     lambda db, store, a: consent.mark_takedown_done(db, a, 1)),
    ("add a portrait", (Role.VIEWER,),
     lambda db, store, a: portraits.add_portrait(
         db, store, a, io.BytesIO(b"x"), "v.mp4", portraits.PortraitInput("T", (1,)),
         max_bytes=10)),
    ("set captions", (Role.VIEWER,),
     lambda db, store, a: portraits.set_captions(db, store, a, 1, b"", "c.srt")),
    ("ask for versions", (Role.VIEWER,),
     lambda db, store, a: portraits.request_versions(db, a, 1, ["youtube"])),
    ("cancel a version", (Role.VIEWER,),
     lambda db, store, a: portraits.cancel_version(db, a, 1)),
    ("create a campaign", (Role.VIEWER,),
     lambda db, store, a: posts.create_campaign(
         db, a, posts.CampaignInput("C", date.today(), date.today()))),
    ("add an account", (Role.VIEWER,),
     lambda db, store, a: posts.create_account(db, a, "FR X", "x", "@x", "fr", "UTC")),
    ("plan a post", (Role.VIEWER,),
     lambda db, store, a: posts.create_post(db, a, posts.PostInput(1, 1, SOON, "t"))),
    ("edit a post", (Role.VIEWER,),
     lambda db, store, a: posts.update_post(db, a, 1, 1, posts.PostInput(1, 1, SOON, "t"))),
    ("move a post along", (Role.VIEWER,),
     lambda db, store, a: posts.move_post(db, a, 1, 1, "approve")),
    ("record a sign-off", (Role.VIEWER,),
     lambda db, store, a: posts.record_signoff(db, a, 1, 1, date.today(), "e-mail")),
    ("import metrics", (Role.VIEWER,),
     lambda db, store, a: importing.import_metrics(db, a, "x.csv", b"a,b\n1,2\n")),
    ("confirm waiting rows", (Role.VIEWER,),
     lambda db, store, a: importing.confirm_unmatched(db, a, [1], 1)),
    ("dismiss waiting rows", (Role.VIEWER,),
     lambda db, store, a: importing.dismiss_unmatched(db, a, [1])),
    ("save a metrics mapping", (Role.VIEWER,),
     lambda db, store, a: importing.save_mapping(db, a, "m", ColumnMapping({"day": "D"}))),
    ("import applications", (Role.VIEWER, Role.EDITOR),
     lambda db, store, a: applications.import_applications(db, a, "a.csv", b"x", key=b"k" * 32)),
    ("save an applications mapping", (Role.VIEWER, Role.EDITOR),
     lambda db, store, a: applications.save_mapping(db, a, "m", {"programme": "P"})),
    ("record instructors", (Role.VIEWER,),
     lambda db, store, a: applications.record_instructors(db, a, "2026-autumn", 1, 2)),
    ("export a person", (Role.VIEWER, Role.EDITOR),
     lambda db, store, a: privacy.export_person(db, store, a, 1)),
    ("erase a person", (Role.VIEWER, Role.EDITOR),
     lambda db, store, a: privacy.erase_person(db, store, a, 1)),
    ("run retention", (Role.VIEWER, Role.EDITOR),
     lambda db, store, a: privacy.run_retention(db, store, a, today=date.today(), days=1)),
    ("create an account", (Role.VIEWER, Role.EDITOR, Role.PRIVACY_OFFICER),
     lambda db, store, a: accounts.create_user(db, a, "n@school.example", Role.VIEWER)),
    ("change an account", (Role.VIEWER, Role.EDITOR, Role.PRIVACY_OFFICER),
     lambda db, store, a: accounts.update_user(db, a, 1, active=False)),
]  # fmt: skip
CASES = [(name, role, call) for name, roles, call in WRITES for role in roles]


def _counts(db: Engine) -> dict[str, int]:
    with read_only(db) as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize(
    ("name", "role", "call"), CASES, ids=[f"{n} as {r.value}" for n, r, _ in CASES]
)
def test_a_write_outside_the_role_is_refused_and_changes_nothing(
    db: Engine, store: LocalStore, name: str, role: Role, call: Write
) -> None:
    before = _counts(db)
    actor = Actor(user_id=None, email=f"{role.value}@school.example", role=role)
    with pytest.raises(PermissionDenied) as refused:
        call(db, store, actor)
    assert refused.value.message.endswith(".")
    assert _counts(db) == before
