"""Roles grant permissions; services refuse what a role does not allow."""

import pytest

from campaigns.auth import Actor, Permission, Role, normalise_email, parse_role, require
from campaigns.errors import InvalidInput, PermissionDenied

EXPECTED = {
    Role.VIEWER: {Permission.VIEW_DASHBOARDS},
    Role.EDITOR: {Permission.VIEW_DASHBOARDS, Permission.EDIT_CONTENT},
    Role.PRIVACY_OFFICER: {
        Permission.VIEW_DASHBOARDS,
        Permission.EDIT_CONTENT,
        Permission.VIEW_SENSITIVE,
        Permission.HANDLE_DATA_REQUESTS,
    },
    Role.ADMIN: set(Permission),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_exactly_its_permissions(role: Role) -> None:
    actor = Actor(user_id=1, email="a@school.example", role=role)
    assert {p for p in Permission if actor.can(p)} == EXPECTED[role]


def test_require_explains_the_refusal_in_words() -> None:
    viewer = Actor(user_id=1, email="v@school.example", role=Role.VIEWER)
    with pytest.raises(PermissionDenied, match=r"Your role \(Viewer\) does not allow you to"):
        require(viewer, Permission.MANAGE_USERS)


def test_parse_role_accepts_human_spellings() -> None:
    assert parse_role("Privacy officer") is Role.PRIVACY_OFFICER
    assert parse_role(" ADMIN ") is Role.ADMIN
    with pytest.raises(InvalidInput, match="is not a role"):
        parse_role("owner")


def test_emails_are_normalised_and_checked() -> None:
    assert normalise_email("  Ada@School.Example ") == "ada@school.example"
    with pytest.raises(InvalidInput, match="is not an e-mail address"):
        normalise_email("ada at school")
