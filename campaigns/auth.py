"""Roles and permissions: every service checks the actor's role here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from campaigns.errors import InvalidInput, PermissionDenied
from campaigns.i18n import N_, msg

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    """What a team member may do, from least to most."""

    VIEWER = "viewer"
    EDITOR = "editor"
    PRIVACY_OFFICER = "privacy_officer"
    ADMIN = "admin"


class Permission(StrEnum):
    """An action a service guards."""

    VIEW_DASHBOARDS = "view_dashboards"
    EDIT_CONTENT = "edit_content"
    VIEW_SENSITIVE = "view_sensitive"
    HANDLE_DATA_REQUESTS = "handle_data_requests"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.VIEW_DASHBOARDS}),
    Role.EDITOR: frozenset({Permission.VIEW_DASHBOARDS, Permission.EDIT_CONTENT}),
    Role.PRIVACY_OFFICER: frozenset(
        {
            Permission.VIEW_DASHBOARDS,
            Permission.EDIT_CONTENT,
            Permission.VIEW_SENSITIVE,
            Permission.HANDLE_DATA_REQUESTS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}

ROLE_LABELS: dict[Role, str] = {
    Role.VIEWER: N_("Viewer"),
    Role.EDITOR: N_("Editor"),
    Role.PRIVACY_OFFICER: N_("Privacy officer"),
    Role.ADMIN: N_("Administrator"),
}

PERMISSION_SENTENCES: dict[Permission, str] = {
    Permission.VIEW_DASHBOARDS: N_("see the dashboards"),
    Permission.EDIT_CONTENT: N_("change the catalogue, media or schedule"),
    Permission.VIEW_SENSITIVE: N_("see sensitive details and consent proofs"),
    Permission.HANDLE_DATA_REQUESTS: N_("handle data-protection requests"),
    Permission.MANAGE_USERS: N_("manage accounts"),
    Permission.VIEW_AUDIT: N_("read the audit trail"),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in person on whose behalf a service acts."""

    user_id: int | None
    email: str
    role: Role

    def can(self, permission: Permission) -> bool:
        """True when this person's role grants the permission."""
        return permission in ROLE_PERMISSIONS[self.role]


# The actor used by scripts run by an operator on the server itself (CLI, migrations, demo).
SYSTEM = Actor(user_id=None, email="system", role=Role.ADMIN)


def require(actor: Actor, permission: Permission) -> None:
    """Stop with a clear message when the actor's role lacks the permission."""
    if not actor.can(permission):
        raise PermissionDenied(
            msg(
                "Your role ({role}) does not allow you to {action}. "
                "Ask an administrator if you need it.",
                role=ROLE_LABELS[actor.role],
                action=PERMISSION_SENTENCES[permission],
            )
        )


def parse_role(value: str) -> Role:
    """Turn a role name typed by a person into a Role, or explain the choices."""
    cleaned = value.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Role(cleaned)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(
            msg("“{value}” is not a role. Choose one of: {choices}.", value=value, choices=choices)
        ) from None


def normalise_email(value: str) -> str:
    """Lower-case and trim an e-mail address, or say why it is not one."""
    email = value.strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidInput(msg("“{address}” is not an e-mail address.", address=value.strip()))
    return email
