"""Import an analytics export: one transaction, idempotent, every row accounted for.

Rows that match a published post (by the network's id or address recorded at "mark as
published") become daily figures or a dated snapshot of lifetime totals; rows that match nothing
wait in the review queue; rows the parser refused are listed with their reason. A file that fails
leaves the data as it was; the same file twice changes nothing; a newer export updates figures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, select
from sqlalchemy.orm import Session

from campaigns import audit, wording
from campaigns.auth import Actor, Permission, require
from campaigns.db import read_only, transaction, utcnow
from campaigns.engagement.matching import Candidate, Suggestion, network_ref, row_refs
from campaigns.engagement.matching import suggest_posts as rank_posts
from campaigns.engagement.parsing import ColumnMapping, ParsedExport, ParsedRow, parse_export
from campaigns.errors import InvalidInput, NotFound
from campaigns.i18n import N_, msg
from campaigns.models import (
    AccountMetricDaily,
    ChannelAccount,
    MetricImport,
    Post,
    PostMetricDaily,
    PostMetricSnapshot,
    SavedMapping,
    UnmatchedMetricRow,
)
from campaigns.models.engagement import METRIC_COLUMNS
from campaigns.scheduling import network_label, to_local

PLATFORM_LABELS = {
    "auto": N_("Find out from the file"),
    "linkedin": N_("LinkedIn page export"),
    "meta": N_("Meta Business Suite (Instagram, Facebook)"),
    "youtube": N_("YouTube Studio (zip)"),
    "tiktok": "TikTok Studio",
    "csv": N_("Other (CSV/XLSX, map its columns)"),
}
# The parser names the network it found; "meta" asks for either of Meta's two.
_META = ("instagram", "facebook")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row the import left out, and why."""

    row: int
    sheet: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one file's import did, row by row."""

    file_name: str
    platform: str
    kind: str
    imported: int = 0
    updated: int = 0
    unmatched: int = 0
    rejected: int = 0
    rejections: tuple[Rejection, ...] = ()
    notes: tuple[str, ...] = ()
    already_imported_on: datetime | None = None
    import_id: int | None = None

    @property
    def summary(self) -> str:
        """One sentence for the page and the command line."""
        if self.already_imported_on is not None:
            return msg(
                "{file} was already imported on {day}; nothing changed.",
                file=self.file_name,
                day=wording.short_date(self.already_imported_on),
            )
        return msg(
            "{file}: {imported} new, {updated} updated, "
            "{unmatched} waiting for a post, {rejected} left out.",
            file=self.file_name,
            imported=self.imported,
            updated=self.updated,
            unmatched=self.unmatched,
            rejected=self.rejected,
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts as the command line's --json prints them."""
        return {
            "file": self.file_name,
            "platform": self.platform,
            "imported": self.imported,
            "updated": self.updated,
            "unmatched": self.unmatched,
            "rejected": self.rejected,
            "already_imported": self.already_imported_on is not None,
            "rejections": [
                {"row": r.row, "sheet": r.sheet, "reason": r.reason} for r in self.rejections
            ],
            "notes": list(self.notes),
        }


@dataclass
class _Tally:
    imported: int = 0
    updated: int = 0
    unmatched: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def _figures(metrics: dict[str, float]) -> dict[str, float]:
    return {name: float(value) for name, value in metrics.items() if name in METRIC_COLUMNS}


def _network_of(platform: str) -> str:
    return platform


def _published_refs(session: Session, network: str) -> dict[str, int]:
    """Every published post of the network by the keys its address or id gives."""
    rows = session.execute(
        select(Post.id, Post.published_url)
        .join(ChannelAccount, ChannelAccount.id == Post.account_id)
        .where(ChannelAccount.network == network, Post.published_url != "")
        .order_by(Post.id)
    ).tuples()
    refs: dict[str, int] = {}
    for post_id, url in rows:
        ref = network_ref(url)
        if ref:
            refs.setdefault(ref, post_id)
    return refs


def _row_key(row: ParsedRow, kind: str) -> str:
    identity = {
        "platform": row.platform,
        "kind": kind,
        "refs": sorted(row_refs(row.network_post_id, row.post_url)),
        "title": "" if row.network_post_id or row.post_url else row.title[:200],
        "day": row.day.isoformat() if row.day else None,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _upsert(
    session: Session,
    model: type[PostMetricDaily] | type[PostMetricSnapshot] | type[AccountMetricDaily],
    owner: str,
    when: str,
    rows: dict[tuple[int, date], dict[str, float]],
    import_id: int | None,
    tally: _Tally,
) -> None:
    """Insert new (owner, day) rows, update the ones whose figures changed, count both."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    owners = sorted({key[0] for key in rows})
    # Plain rows, not ORM objects: a hundred thousand of them load and compare ten times faster.
    wanted = [table.c.id, table.c[owner], table.c[when], *(table.c[m] for m in METRIC_COLUMNS)]
    existing: dict[tuple[int, date], tuple[int, dict[str, Any]]] = {}
    for chunk in range(0, len(owners), 500):
        found_rows = session.execute(
            select(*wanted).where(table.c[owner].in_(owners[chunk : chunk + 500]))
        )
        for found in found_rows:
            existing[(found[1], found[2])] = (
                found[0],
                dict(zip(METRIC_COLUMNS, found[3:], strict=True)),
            )
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for (owner_id, day), figures in rows.items():
        current = existing.get((owner_id, day))
        if current is None:
            inserts.append({owner: owner_id, when: day, "import_id": import_id, **figures})
            continue
        row_id, values = current
        if any(values.get(k) != v for k, v in figures.items()):
            updates.append({"row_id": row_id, "import_id": import_id, **values, **figures})
    if inserts:
        # Every insert carries the same keys so that the driver can send them as one batch.
        columns = [owner, when, "import_id", *METRIC_COLUMNS]
        session.connection().execute(
            table.insert(), [{key: row.get(key) for key in columns} for row in inserts]
        )
    if updates:
        statement = (
            table.update()
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(name) for name in ("import_id", *METRIC_COLUMNS)})
        )
        session.connection().execute(statement, updates)
    tally.imported += len(inserts)
    tally.updated += len(updates)


def _account_for(session: Session, network: str, account_id: int | None) -> int | None:
    if account_id is not None:
        account = session.get(ChannelAccount, account_id)
        if account is None or account.network != network:
            raise InvalidInput(
                msg(
                    "Choose one of the school's {network} accounts.",
                    network=network_label(network),
                )
            )
        return account.id
    ids = list(session.scalars(select(ChannelAccount.id).where(ChannelAccount.network == network)))
    if len(ids) > 1:
        raise InvalidInput(
            msg(
                "This file has figures for a whole {network} account and the school "
                "has {count} of them: choose which account it comes from.",
                network=network_label(network),
                count=len(ids),
            )
        )
    return ids[0] if ids else None


def _check_platform(parsed: ParsedExport, platform: str) -> None:
    if platform == "meta" and parsed.platform not in _META:
        raise InvalidInput(
            msg(
                "This looks like a {network} export, not a Meta one.",
                network=network_label(parsed.platform),
            )
        )


def import_metrics(
    db: Engine,
    actor: Actor,
    file_name: str,
    data: bytes,
    *,
    platform: str = "auto",
    mapping: ColumnMapping | None = None,
    account_id: int | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import one analytics export in one transaction; returns what happened to every row."""
    require(actor, Permission.EDIT_CONTENT)
    day = today or date.today()
    digest = hashlib.sha256(data).hexdigest()
    with read_only(db) as session:
        before = session.scalar(select(MetricImport).where(MetricImport.sha256 == digest))
        if before is not None:
            return ImportReport(
                file_name, before.platform, before.kind, already_imported_on=before.imported_at,
                import_id=before.id,
            )  # fmt: skip
    requested = "auto" if platform in ("auto", "meta") else platform
    parsed = parse_export(file_name, data, requested, mapping=mapping, today=day)
    _check_platform(parsed, platform)
    if parsed.rejected and not parsed.rows:
        # Recording an import that kept nothing would mark the file as done.
        raise InvalidInput(
            msg(
                "Nothing was imported: every row of this file was refused. {first_reason}",
                first_reason=parsed.rejected[0].reason,
            )
        )
    network = _network_of(parsed.platform)
    tally = _Tally(rejections=[Rejection(r.source_row, r.sheet, r.reason) for r in parsed.rejected])
    with transaction(db) as session:
        record = MetricImport(
            file_name=file_name[:255], sha256=digest, platform=parsed.platform,
            kind=parsed.kind, period_start=parsed.period_start, period_end=parsed.period_end,
            imported_by=actor.email,
        )  # fmt: skip
        session.add(record)
        session.flush()
        refs = _published_refs(session, network)
        daily: dict[tuple[int, date], dict[str, float]] = {}
        snapshots: dict[tuple[int, date], dict[str, float]] = {}
        account_daily: dict[tuple[int, date], dict[str, float]] = {}
        seen: dict[tuple[str, int, date], int] = {}
        account: int | None = None
        account_looked_up = False
        for row in parsed.rows:
            figures = _figures(row.metrics)
            if row.scope == "account":
                if not account_looked_up:
                    account, account_looked_up = _account_for(session, network, account_id), True
                if account is None:
                    tally.rejections.append(
                        Rejection(
                            row.source_row,
                            row.sheet,
                            msg(
                                "Row {row}: these are figures for a whole "
                                "{network} account and the school has none in "
                                "Spotlight yet (add it on the Campaigns page).",
                                row=row.source_row,
                                network=network_label(network),
                            ),
                        )
                    )
                    continue
                if row.day is None:
                    continue
                target, key = account_daily, (account, row.day)
            else:
                post_id = next(
                    (refs[r] for r in row_refs(row.network_post_id, row.post_url) if r in refs),
                    None,
                )
                if post_id is None:
                    _queue(session, record, row, parsed.kind, day, figures)
                    tally.unmatched += 1
                    continue
                if row.day is not None:
                    target, key = daily, (post_id, row.day)
                else:
                    target, key = snapshots, (post_id, day)
            kind_key = ("account" if target is account_daily else "post", *key)
            if kind_key in seen and target is not snapshots:
                tally.rejections.append(
                    Rejection(
                        row.source_row,
                        row.sheet,
                        msg(
                            "Row {row}: the same post and day as row {first}; the first was kept.",
                            row=row.source_row,
                            first=seen[kind_key],
                        ),
                    )
                )
                continue
            seen[kind_key] = row.source_row
            target.setdefault(key, {}).update(figures)
        _upsert(session, PostMetricDaily, "post_id", "day", daily, record.id, tally)
        _upsert(session, PostMetricSnapshot, "post_id", "as_of", snapshots, record.id, tally)
        _upsert(session, AccountMetricDaily, "account_id", "day", account_daily, record.id, tally)
        record.imported, record.updated = tally.imported, tally.updated
        record.unmatched, record.rejected = tally.unmatched, len(tally.rejections)
        record.report = {
            "rejected": [
                {"row": r.row, "sheet": r.sheet, "reason": r.reason} for r in tally.rejections
            ],
            "notes": list(parsed.notes),
        }
        audit.record(
            session, actor, "import_metrics", "metric_import", record.id,
            {"file": file_name, "imported": tally.imported, "updated": tally.updated,
             "unmatched": tally.unmatched, "rejected": len(tally.rejections)},
        )  # fmt: skip
        return ImportReport(
            file_name, parsed.platform, parsed.kind, tally.imported, tally.updated,
            tally.unmatched, len(tally.rejections), tuple(tally.rejections), parsed.notes,
            import_id=record.id,
        )  # fmt: skip


def _queue(
    session: Session,
    record: MetricImport,
    row: ParsedRow,
    kind: str,
    day: date,
    figures: dict[str, float],
) -> None:
    """Put a row no post matched in the review queue (or refresh the one already waiting)."""
    key = _row_key(row, kind)
    waiting = session.scalar(select(UnmatchedMetricRow).where(UnmatchedMetricRow.row_key == key))
    source = f"{record.file_name}, {row.sheet + ', ' if row.sheet else ''}row {row.source_row}"
    if waiting is not None:
        waiting.metrics, waiting.import_id, waiting.source = figures, record.id, source[:300]
        waiting.as_of = None if row.day else day
        return
    session.add(
        UnmatchedMetricRow(
            import_id=record.id,
            row_key=key,
            platform=row.platform,
            kind=kind,
            network_post_id=row.network_post_id[:200],
            post_url=row.post_url[:2000],
            title=row.title,
            published_at=row.published_at,
            day=row.day,
            as_of=None if row.day else day,
            metrics=figures,
            source=source[:300],
        )
    )


# --- Review queue ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnmatchedGroup:
    """Rows of one post the import could not place (one per day for daily exports)."""

    row_ids: tuple[int, ...]
    platform: str
    network_post_id: str
    post_url: str
    title: str
    published_at: datetime | None
    first_day: date | None
    last_day: date | None
    impressions: float
    video_views: float
    source: str
    suggestions: tuple[Suggestion, ...]


def _group_key(row: UnmatchedMetricRow) -> tuple[str, ...]:
    refs = sorted(row_refs(row.network_post_id, row.post_url))
    return (row.platform, *refs) if refs else (row.platform, row.title[:200])


def _candidates(session: Session, network: str) -> list[Candidate]:
    rows = session.execute(
        select(Post.id, ChannelAccount.name, ChannelAccount.time_zone, Post.published_at,
               Post.scheduled_at, Post.text)
        .join(ChannelAccount, ChannelAccount.id == Post.account_id)
        .where(ChannelAccount.network == network, Post.status.not_in(("cancelled", "draft")))
    ).tuples()  # fmt: skip
    return [
        Candidate(post_id, account, to_local(published or scheduled, zone), text)
        for post_id, account, zone, published, scheduled, text in rows
    ]


def list_unmatched(db: Engine, actor: Actor) -> list[UnmatchedGroup]:
    """The review queue: rows waiting for a post, grouped by post, with suggested posts."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        rows = session.scalars(
            select(UnmatchedMetricRow)
            .where(UnmatchedMetricRow.status == "pending")
            .order_by(UnmatchedMetricRow.id)
        ).all()
        grouped: dict[tuple[str, ...], list[UnmatchedMetricRow]] = {}
        for row in rows:
            grouped.setdefault(_group_key(row), []).append(row)
        candidates: dict[str, list[Candidate]] = {}
        groups = []
        for members in grouped.values():
            first = members[0]
            if first.platform not in candidates:
                candidates[first.platform] = _candidates(session, first.platform)
            days = [m.day for m in members if m.day is not None]
            around = (
                first.published_at.date()
                if first.published_at is not None
                else (min(days) if days else None)
            )
            groups.append(
                UnmatchedGroup(
                    row_ids=tuple(m.id for m in members),
                    platform=first.platform,
                    network_post_id=first.network_post_id,
                    post_url=first.post_url,
                    title=first.title,
                    published_at=first.published_at,
                    first_day=min(days) if days else None,
                    last_day=max(days) if days else None,
                    impressions=sum(float(m.metrics.get("impressions") or 0) for m in members),
                    video_views=sum(float(m.metrics.get("video_views") or 0) for m in members),
                    source=first.source,
                    suggestions=tuple(rank_posts(first.title, around, candidates[first.platform])),
                )
            )
        return groups


def _pending(session: Session, row_ids: Sequence[int]) -> list[UnmatchedMetricRow]:
    rows = list(
        session.scalars(
            select(UnmatchedMetricRow).where(
                UnmatchedMetricRow.id.in_(row_ids), UnmatchedMetricRow.status == "pending"
            )
        )
    )
    if not rows:
        raise NotFound(N_("These rows are no longer waiting: someone has already dealt with them."))
    return rows


def confirm_unmatched(db: Engine, actor: Actor, row_ids: Sequence[int], post_id: int) -> int:
    """Give waiting rows to a post; later exports then match it by itself. Returns rows placed."""
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        rows = _pending(session, row_ids)
        post = session.get(Post, post_id)
        account = session.get(ChannelAccount, post.account_id) if post is not None else None
        if post is None or account is None:
            raise NotFound(N_("This post does not exist any more."))
        if any(row.platform != account.network for row in rows):
            raise InvalidInput(
                msg(
                    "These figures come from {network}; choose a post on a {network} account.",
                    network=network_label(rows[0].platform),
                )
            )
        tally = _Tally()
        daily = {(post.id, r.day): _figures(r.metrics) for r in rows if r.day is not None}
        snapshots = {
            (post.id, r.as_of or date.today()): _figures(r.metrics) for r in rows if r.day is None
        }
        import_id = rows[0].import_id
        _upsert(session, PostMetricDaily, "post_id", "day", daily, import_id, tally)
        _upsert(session, PostMetricSnapshot, "post_id", "as_of", snapshots, import_id, tally)
        if not post.published_url:
            post.published_url = rows[0].post_url or rows[0].network_post_id
        for row in rows:
            row.status, row.post_id = "confirmed", post.id
            row.resolved_by, row.resolved_at = actor.email, utcnow()
        audit.record(session, actor, "confirm_metric_rows", "post", post.id, {"rows": len(rows)})
        return len(rows)


def dismiss_unmatched(db: Engine, actor: Actor, row_ids: Sequence[int]) -> int:
    """Set waiting rows aside (not the school's post, a test…); returns how many."""
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        rows = _pending(session, row_ids)
        for row in rows:
            row.status, row.resolved_by, row.resolved_at = "dismissed", actor.email, utcnow()
        audit.record(
            session, actor, "dismiss_metric_rows", "metric_rows", rows[0].id, {"rows": len(rows)}
        )
        return len(rows)


@dataclass(frozen=True, slots=True)
class ImportView:
    """A past import, for the history table."""

    id: int
    file_name: str
    platform: str
    imported_at: datetime
    imported_by: str
    imported: int
    updated: int
    unmatched: int
    rejected: int


def list_imports(db: Engine, actor: Actor, limit: int = 50) -> list[ImportView]:
    """The latest imports, newest first."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        return [
            ImportView(
                r.id,
                r.file_name,
                r.platform,
                r.imported_at,
                r.imported_by,
                r.imported,
                r.updated,
                r.unmatched,
                r.rejected,
            )
            for r in session.scalars(
                select(MetricImport).order_by(MetricImport.id.desc()).limit(limit)
            )
        ]


def data_version(db: Engine) -> tuple[int, int, int]:
    """Changes whenever metrics change: dashboards reload their copy when it moves."""
    with read_only(db) as session:
        last_import = session.scalar(select(MetricImport.id).order_by(MetricImport.id.desc()))
        last_daily = session.scalar(select(PostMetricDaily.id).order_by(PostMetricDaily.id.desc()))
        resolved = session.scalar(
            select(UnmatchedMetricRow.id)
            .where(UnmatchedMetricRow.status != "pending")
            .order_by(UnmatchedMetricRow.resolved_at.desc())
        )
        return (last_import or 0, last_daily or 0, resolved or 0)


def summed(reports: Iterable[ImportReport]) -> dict[str, int]:
    """The four counts over several files."""
    items = list(reports)
    return {
        key: sum(int(getattr(r, key)) for r in items)
        for key in ("imported", "updated", "unmatched", "rejected")
    }


# --- Saved column mappings for the team's own tables -----------------------------------------


def save_mapping(db: Engine, actor: Actor, name: str, mapping: ColumnMapping) -> None:
    """Keep a column mapping under a name (replacing one of the same name)."""
    require(actor, Permission.EDIT_CONTENT)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(N_("Give the mapping a name, for example “Agency monthly table”."))
    if len(name) > 120:
        raise InvalidInput(N_("Keep the mapping's name under 120 characters."))
    if not mapping.columns:
        raise InvalidInput(N_("Map at least one column before saving the mapping."))
    with transaction(db) as session:
        saved = session.scalar(
            select(SavedMapping).where(SavedMapping.kind == "metrics", SavedMapping.name == name)
        )
        if saved is None:
            saved = SavedMapping(kind="metrics", name=name, created_by=actor.email)
            session.add(saved)
        saved.platform, saved.columns = mapping.platform, dict(mapping.columns)
        session.flush()
        audit.record(session, actor, "save_mapping", "saved_mapping", saved.id, {"name": name})


def saved_mappings(db: Engine, actor: Actor) -> dict[str, ColumnMapping]:
    """The saved mappings for analytics tables, by name."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        return {
            m.name: ColumnMapping({str(k): str(v) for k, v in m.columns.items()}, m.platform)
            for m in session.scalars(
                select(SavedMapping)
                .where(SavedMapping.kind == "metrics")
                .order_by(SavedMapping.name)
            )
        }
