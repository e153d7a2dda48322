"""Demo dataset made in code, so a newcomer sees every page filled; loading twice adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select

from campaigns import audit
from campaigns.accounts import hash_password
from campaigns.auth import SYSTEM, Actor, Permission, Role, require
from campaigns.db import read_only, transaction
from campaigns.demo_campaigns import load_demo_campaigns
from campaigns.demo_people import load_demo_people
from campaigns.demo_portraits import load_demo_portraits
from campaigns.i18n import N_, msg
from campaigns.models import User
from campaigns.storage import MediaStore

DEMO_PASSWORD = "spotlight-demo"  # noqa: S105 - documented demo accounts, not a secret
DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    ("viewer@demo.example.org", "Vera Viewer", Role.VIEWER),
    ("editor@demo.example.org", "Eddie Editor", Role.EDITOR),
    ("privacy@demo.example.org", "Priya Privacy", Role.PRIVACY_OFFICER),
    ("admin@demo.example.org", "Ada Admin", Role.ADMIN),
)


@dataclass(slots=True)
class DemoSummary:
    """What a demo load created (zero everywhere on a second load)."""

    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int) -> None:
        """Count new items of one kind."""
        self.created[what] = self.created.get(what, 0) + count

    def sentence(self) -> str:
        """One sentence for the person who loaded the demo."""
        parts = [msg("{count} {what}", count=n, what=what) for what, n in self.created.items() if n]
        if not parts:
            return N_("The demo data was already loaded; nothing was added.")
        listed = parts[0]
        for part in parts[1:]:
            listed = msg("{first}, {second}", first=listed, second=part)
        return msg("Demo data loaded: {parts}.", parts=listed)

    def as_dict(self) -> dict[str, int]:
        """The counts, for the command line's JSON output."""
        return dict(self.created)


DemoStep = Callable[[Engine, MediaStore, Actor, DemoSummary], None]


def _load_accounts(db: Engine, store: MediaStore, actor: Actor, summary: DemoSummary) -> None:
    with transaction(db) as session:
        existing = set(session.scalars(select(User.email)))
        created = 0
        for email, name, role in DEMO_ACCOUNTS:
            if email in existing:
                continue
            user = User(
                email=email,
                display_name=name,
                role=role.value,
                password_hash=hash_password(DEMO_PASSWORD),
            )
            session.add(user)
            session.flush()
            audit.record(session, actor, "create_user", "user", user.id, {"email": email})
            created += 1
    summary.add(N_("demo accounts"), created)


def _load_people(db: Engine, store: MediaStore, actor: Actor, summary: DemoSummary) -> None:
    summary.add(N_("role models"), load_demo_people(db, store, actor, date.today()))


def _load_portraits(db: Engine, store: MediaStore, actor: Actor, summary: DemoSummary) -> None:
    from campaigns import jobs  # the queue is only needed once there is something to render

    batches = load_demo_portraits(db, store, actor, date.today())
    summary.add(N_("video portraits"), len(batches))
    summary.add(N_("versions queued for rendering"), sum(len(ids) for ids in batches))
    for version_ids in batches:
        jobs.enqueue(version_ids)


def _load_campaigns(db: Engine, store: MediaStore, actor: Actor, summary: DemoSummary) -> None:
    summary.add(N_("planned posts"), load_demo_campaigns(db, actor, date.today()))


def _load_metrics(db: Engine, store: MediaStore, actor: Actor, summary: DemoSummary) -> None:
    from campaigns.demo_metrics import load_demo_metrics

    summary.add(
        N_("published posts with daily figures"), load_demo_metrics(db, actor, date.today())
    )


# Each capability appends its own step; steps run in order and must each be idempotent.
DEMO_STEPS: list[DemoStep] = [
    _load_accounts, _load_people, _load_portraits, _load_campaigns, _load_metrics,
]  # fmt: skip


def is_loaded(db: Engine) -> bool:
    """True once the demo dataset is in the database."""
    with read_only(db) as session:
        return session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[-1][0])) is not None


def load_demo(db: Engine, store: MediaStore, actor: Actor = SYSTEM) -> DemoSummary:
    """Load every part of the demo dataset that is not there yet (administrators only)."""
    require(actor, Permission.MANAGE_USERS)
    summary = DemoSummary()
    for step in DEMO_STEPS:
        step(db, store, actor, summary)
    return summary
