"""Accounts: the first administrator, sign-in, roles enforced in the services, audit lines."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from campaigns import accounts, audit
from campaigns.auth import SYSTEM, Actor, Role
from campaigns.errors import Conflict, InvalidInput, PermissionDenied, SignInFailed

PASSWORD = "correct horse battery"


def make_admin(db: Engine) -> Actor:
    accounts.create_first_admin(db, "boss@school.example", "Boss", PASSWORD)
    return accounts.sign_in(db, "boss@school.example", PASSWORD)


def test_first_admin_is_asked_for_only_while_nobody_has_an_account(db: Engine) -> None:
    assert accounts.needs_first_admin(db)
    admin = make_admin(db)
    assert admin.role is Role.ADMIN
    assert not accounts.needs_first_admin(db)
    with pytest.raises(Conflict, match="already exists"):
        accounts.create_first_admin(db, "other@school.example", "Other", PASSWORD)


def test_sign_in_checks_the_password_and_says_the_same_whatever_was_wrong(db: Engine) -> None:
    make_admin(db)
    with pytest.raises(SignInFailed) as wrong_password:
        accounts.sign_in(db, "boss@school.example", "wrong password here")
    with pytest.raises(SignInFailed) as unknown:
        accounts.sign_in(db, "nobody@school.example", PASSWORD)
    assert str(wrong_password.value) == str(unknown.value)
    assert accounts.sign_in(db, "BOSS@school.example ", PASSWORD).email == "boss@school.example"


def test_passwords_are_stored_as_argon2_hashes(db: Engine) -> None:
    from sqlalchemy import select

    from campaigns.db import read_only
    from campaigns.models import User

    make_admin(db)
    with read_only(db) as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_short_password_is_refused_with_the_rule(db: Engine) -> None:
    with pytest.raises(InvalidInput, match="at least 12 characters"):
        accounts.create_first_admin(db, "boss@school.example", "Boss", "short")
    assert accounts.needs_first_admin(db)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.PRIVACY_OFFICER])
def test_only_admins_manage_accounts(db: Engine, role: Role) -> None:
    admin = make_admin(db)
    accounts.create_user(db, admin, "someone@school.example", role, "Someone", PASSWORD)
    someone = accounts.sign_in(db, "someone@school.example", PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.create_user(db, someone, "x@school.example", Role.ADMIN, "X", PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.list_users(db, someone)
    with pytest.raises(PermissionDenied):
        accounts.update_user(db, someone, someone.user_id or 0, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        audit.list_events(db, someone)


def test_duplicate_email_is_refused(db: Engine) -> None:
    admin = make_admin(db)
    with pytest.raises(Conflict, match="already exists"):
        accounts.create_user(db, admin, "Boss@School.example", Role.VIEWER)


def test_the_last_active_admin_cannot_be_demoted_or_disabled(db: Engine) -> None:
    admin = make_admin(db)
    with pytest.raises(Conflict, match="at least one active administrator"):
        accounts.update_user(db, admin, admin.user_id or 0, role=Role.EDITOR)
    with pytest.raises(Conflict):
        accounts.update_user(db, admin, admin.user_id or 0, active=False)
    assert accounts.list_users(db, admin)[0].role is Role.ADMIN


def test_disabled_accounts_cannot_sign_in(db: Engine) -> None:
    admin = make_admin(db)
    created = accounts.create_user(db, admin, "ed@school.example", Role.EDITOR, "Ed", PASSWORD)
    accounts.update_user(db, admin, created.id, active=False)
    with pytest.raises(SignInFailed):
        accounts.sign_in(db, "ed@school.example", PASSWORD)


def test_single_sign_on_matches_accounts_by_email(db: Engine) -> None:
    admin = make_admin(db)
    accounts.create_user(db, admin, "vi@school.example", Role.VIEWER, "Vi")
    assert accounts.actor_for_sso(db, "Vi@School.example").role is Role.VIEWER
    with pytest.raises(SignInFailed, match="has no active Spotlight account"):
        accounts.actor_for_sso(db, "stranger@school.example")
    with pytest.raises(SignInFailed):
        accounts.sign_in(db, "vi@school.example", "")


def test_every_write_leaves_an_audit_line_without_secrets(db: Engine) -> None:
    admin = make_admin(db)
    accounts.create_user(db, admin, "ed@school.example", Role.EDITOR, "Ed", PASSWORD)
    events = audit.list_events(db, SYSTEM)
    assert [e.action for e in events] == ["create_user", "create_first_admin"]
    created = events[0]
    assert created.actor_email == "boss@school.example"
    assert created.changes["password"] == audit.REDACTED
    assert PASSWORD not in repr(events)
    assert audit.list_events(db, SYSTEM, action="create_first_admin")[0].entity_type == "user"
    assert audit.list_events(db, SYSTEM, actor_email="nobody") == []


def test_each_person_keeps_the_interface_language_they_chose(db: Engine) -> None:
    admin = make_admin(db)
    assert accounts.preferred_language(db, admin.user_id) is None  # follows the browser
    accounts.set_language(db, admin, "fr")
    assert accounts.preferred_language(db, admin.user_id) == "fr"
    other = accounts.create_user(db, admin, "ed@school.example", Role.EDITOR, "Ed", PASSWORD)
    assert accounts.preferred_language(db, other.id) is None
    with pytest.raises(InvalidInput, match="en, fr"):
        accounts.set_language(db, admin, "de")
    assert accounts.preferred_language(db, admin.user_id) == "fr"
