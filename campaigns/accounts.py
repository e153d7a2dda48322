"""Team accounts: the first administrator, built-in passwords, single sign-on matching."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select

from campaigns import audit
from campaigns.auth import Actor, Permission, Role, normalise_email, require
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import Conflict, InvalidInput, NotFound, SignInFailed
from campaigns.i18n import LANGUAGES, N_, msg
from campaigns.models import User

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Account:
    """An account as shown to administrators (never the password hash)."""

    id: int
    email: str
    display_name: str
    role: Role
    active: bool
    has_password: bool


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            msg(
                "The password must have at least {count} characters; "
                "a few words in a row make a good one.",
                count=MIN_PASSWORD_LENGTH,
            )
        )


def hash_password(password: str) -> str:
    """The argon2 hash stored in place of a password."""
    return _hasher.hash(password)


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        active=user.active,
        has_password=user.password_hash is not None,
    )


def needs_first_admin(db: Engine) -> bool:
    """True while nobody has an account: the app then asks for the first administrator."""
    with read_only(db) as session:
        return session.scalar(select(func.count(User.id))) == 0


def create_first_admin(db: Engine, email: str, display_name: str, password: str) -> Account:
    """Create the first administrator; refused once any account exists."""
    address = normalise_email(email)
    check_password_strength(password)
    with transaction(db) as session:
        if session.scalar(select(func.count(User.id))):
            raise Conflict(N_("An administrator already exists. Sign in instead."))
        user = User(
            email=address,
            display_name=display_name.strip() or address,
            role=Role.ADMIN.value,
            password_hash=_hasher.hash(password),
        )
        session.add(user)
        session.flush()
        actor = Actor(user_id=user.id, email=address, role=Role.ADMIN)
        audit.record(session, actor, "create_first_admin", "user", user.id, {"email": address})
        return _account(user)


def create_user(
    db: Engine,
    actor: Actor,
    email: str,
    role: Role,
    display_name: str = "",
    password: str | None = None,
) -> Account:
    """Create an account; without a password it can only sign in through single sign-on."""
    require(actor, Permission.MANAGE_USERS)
    address = normalise_email(email)
    if password is not None:
        check_password_strength(password)
    with transaction(db) as session:
        if session.scalar(select(User.id).where(User.email == address)) is not None:
            raise Conflict(msg("An account for {address} already exists.", address=address))
        user = User(
            email=address,
            display_name=display_name.strip() or address.split("@")[0],
            role=role.value,
            password_hash=_hasher.hash(password) if password else None,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor,
            "create_user",
            "user",
            user.id,
            {"email": address, "role": role.value, "password": password},
        )
        return _account(user)


def list_users(db: Engine, actor: Actor) -> list[Account]:
    """All accounts, by e-mail."""
    require(actor, Permission.MANAGE_USERS)
    with read_only(db) as session:
        return [_account(u) for u in session.scalars(select(User).order_by(User.email))]


def update_user(
    db: Engine, actor: Actor, user_id: int, *, role: Role | None = None, active: bool | None = None
) -> Account:
    """Change an account's role or disable it; the last active administrator stays."""
    require(actor, Permission.MANAGE_USERS)
    with transaction(db) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(N_("This account does not exist any more."))
        changes: dict[str, object] = {}
        if role is not None and role.value != user.role:
            changes["role"] = [user.role, role.value]
            user.role = role.value
        if active is not None and active != user.active:
            changes["active"] = [user.active, active]
            user.active = active
        session.flush()
        admins = session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active)
        )
        if not admins:
            raise Conflict(N_("Spotlight needs at least one active administrator; keep this one."))
        if changes:
            audit.record(session, actor, "update_user", "user", user.id, changes)
        return _account(user)


def set_password(db: Engine, actor: Actor, user_id: int, password: str) -> None:
    """Set a new password (one's own, or anyone's for an administrator)."""
    if actor.user_id != user_id:
        require(actor, Permission.MANAGE_USERS)
    check_password_strength(password)
    with transaction(db) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(N_("This account does not exist any more."))
        user.password_hash = _hasher.hash(password)
        audit.record(session, actor, "set_password", "user", user.id, {"password": password})


def sign_in(db: Engine, email: str, password: str) -> Actor:
    """Check an e-mail and password; the same message whatever was wrong."""
    failure = SignInFailed(N_("That e-mail and password do not match an active account."))
    try:
        address = normalise_email(email)
    except InvalidInput:
        raise failure from None
    with transaction(db) as session:
        user = session.scalar(select(User).where(User.email == address))
        if user is None or not user.active or user.password_hash is None:
            # Hash anyway so that a wrong e-mail takes as long as a wrong password.
            _hasher.hash(password)
            raise failure
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise failure from None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_sign_in_at = utcnow()
        return Actor(user_id=user.id, email=user.email, role=Role(user.role))


def actor_for_sso(db: Engine, email: str) -> Actor:
    """Match a person signed in through single sign-on to their Spotlight account by e-mail."""
    address = normalise_email(email)
    with transaction(db) as session:
        user = session.scalar(select(User).where(User.email == address))
        if user is None or not user.active:
            raise SignInFailed(
                msg(
                    "{address} has no active Spotlight account. "
                    "Ask an administrator to add you with the right role.",
                    address=address,
                )
            )
        user.last_sign_in_at = utcnow()
        return Actor(user_id=user.id, email=user.email, role=Role(user.role))


def preferred_language(db: Engine, user_id: int | None) -> str | None:
    """The interface language a person chose, or None to follow their browser."""
    if user_id is None:
        return None
    with read_only(db) as session:
        return session.scalar(select(User.language).where(User.id == user_id))


def set_language(db: Engine, actor: Actor, language: str) -> None:
    """Remember the interface language a person chose for themselves."""
    if language not in LANGUAGES:
        raise InvalidInput(
            msg("Spotlight speaks {languages} only.", languages=", ".join(LANGUAGES))
        )
    if actor.user_id is None:
        return
    with transaction(db) as session:
        user = session.get(User, actor.user_id)
        if user is None:
            raise NotFound(N_("This account does not exist any more."))
        user.language = language
