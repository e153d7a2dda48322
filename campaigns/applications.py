"""Applications from the admissions system: pseudonymised at import, idempotent, all-or-nothing.

The admissions id is replaced by an HMAC-SHA256 with a key kept outside the database (a setting,
or a key file made once); names and contact details are refused. Applications carrying a
campaign's tracking code are attributed to it (last touch), and to the post in `utm_content`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from campaigns import audit, wording
from campaigns.auth import Actor, Permission, require
from campaigns.config import Settings
from campaigns.db import read_only, transaction
from campaigns.engagement.numbers import UnreadableValue, parse_datetime
from campaigns.engagement.reading import Sheet, is_filled, read_source
from campaigns.engagement.tables import cell_text, header_key
from campaigns.errors import ConfigurationError, InvalidInput
from campaigns.i18n import N_, msg
from campaigns.models import (
    Application,
    ApplicationImport,
    Campaign,
    InstructorCount,
    Post,
    SavedMapping,
)

COLUMNS = (
    "application_id", "submitted_at", "programme", "programme_family", "gender", "disability",
    "priority_groups", "country", "source", "utm_source", "utm_medium", "utm_campaign",
    "utm_content", "status",
)  # fmt: skip
REQUIRED = ("application_id", "submitted_at", "programme", "programme_family", "gender", "status")
# Header words that mean a column holds who the applicant is: the whole file is refused.
_IDENTIFYING = re.compile(
    r"^(full ?name|first ?name|last ?name|given ?name|family ?name|surname|name|nom|prenom|"
    r"nom de famille|e-?mail( address)?|mail|courriel|adresse e-?mail|phone( number)?|"
    r"telephone|tel|mobile|portable|address|adresse|postal address|date of birth|birth ?date|"
    r"date de naissance)$"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_ALIASES: dict[str, tuple[str, ...]] = {
    "application_id": ("application id", "id", "application", "candidature", "dossier",
                       "numero de dossier", "reference"),
    "submitted_at": ("submitted at", "submitted", "date", "application date",
                     "date de candidature", "created at"),
    "programme": ("programme", "program", "formation", "parcours", "course"),
    "programme_family": ("programme family", "family", "famille", "domain", "domaine"),
    "gender": ("gender", "genre", "sexe", "sex"),
    "disability": ("disability", "handicap", "rqth", "situation de handicap"),
    "priority_groups": ("priority groups", "priority group", "publics prioritaires"),
    "country": ("country", "pays"),
    "source": ("source", "origine"),
    "status": ("status", "statut", "stage", "etape"),
}  # fmt: skip
_GENDER = {
    "woman": ("woman", "women", "female", "f", "femme", "w"),
    "man": ("man", "male", "m", "homme", "h"),
    "non_binary": ("non-binary", "non binary", "nonbinary", "non-binaire", "non binaire", "nb"),
    "undisclosed": ("", "undisclosed", "prefer not to say", "not stated", "unknown", "-",
                    "ne souhaite pas repondre", "non renseigne", "nsp"),
}  # fmt: skip
_DISABILITY = {
    "yes": ("yes", "y", "oui", "true", "1", "rqth"),
    "no": ("no", "n", "non", "false", "0"),
    "undisclosed": ("", "undisclosed", "prefer not to say", "unknown", "-", "non renseigne",
                    "ne souhaite pas repondre"),
}  # fmt: skip
_FAMILY = {
    "tech": ("tech", "technology", "technical", "it", "digital", "numerique"),
    "non_tech": ("non-tech", "non tech", "nontech", "non_tech", "other", "autre", "business"),
}
_STATUS = {
    "applied": ("applied", "application", "submitted", "candidat", "candidature", "applicant"),
    "admitted": ("admitted", "accepted", "admis", "admise", "offer"),
    "enrolled": ("enrolled", "registered", "inscrit", "inscrite", "student", "started"),
}
PRIORITY_GROUPS = {
    "jobseeker": ("jobseeker", "job seeker", "demandeur d'emploi", "demandeuse d'emploi",
                  "unemployed"),
    "low_qualification": ("low qualification", "low_qualification", "no qualification",
                          "peu qualifie", "sans diplome", "low qualified"),
    "disadvantaged_area": ("disadvantaged area", "disadvantaged_area", "qpv",
                           "quartier prioritaire"),
    "refugee": ("refugee", "refugie", "refugiee"),
}  # fmt: skip
STATUS_ORDER = ("applied", "admitted", "enrolled")
MAX_ROWS = 1_000_000


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {header_key(alias): key for key, aliases in table.items() for alias in (key, *aliases)}


_GENDERS, _DISABILITIES = _lookup(_GENDER), _lookup(_DISABILITY)
_FAMILIES, _STATUSES, _PRIORITIES = _lookup(_FAMILY), _lookup(_STATUS), _lookup(PRIORITY_GROUPS)


# --- The key --------------------------------------------------------------------------------


def application_key(settings: Settings) -> bytes:
    """The secret for keyed hashes: the setting, or a key file made once (never in the database)."""
    if settings.applications_key is not None:
        secret = settings.applications_key.get_secret_value().encode()
        if len(secret) < 16:
            raise ConfigurationError(
                N_("SPOTLIGHT_APPLICATIONS_KEY is too short: use at least 16 characters.")
            )
        return secret
    path = Path(settings.applications_key_file)
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(32))
        return path.read_text(encoding="ascii").strip().encode()
    except OSError as exc:
        raise ConfigurationError(
            msg(
                "Spotlight cannot read or make the applications key at {path} "
                "({problem}); set SPOTLIGHT_APPLICATIONS_KEY instead.",
                path=path,
                problem=exc.strerror or str(exc),
            )
        ) from None


def pseudonym(key: bytes, application_id: str) -> str:
    """The keyed hash that stands for an admissions id."""
    return hmac.new(key, application_id.strip().encode(), hashlib.sha256).hexdigest()


# --- Reading the file -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row the import left out, and why."""

    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class ApplicationsReport:
    """What one admissions file's import did."""

    file_name: str
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    rejections: tuple[Rejection, ...] = ()
    attributed: int = 0
    already_imported_on: datetime | None = None

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
            "{file}: {imported} new applications, {updated} updated, "
            "{rejected} left out; {attributed} carry a campaign's tracking code.",
            file=self.file_name,
            imported=self.imported,
            updated=self.updated,
            rejected=self.rejected,
            attributed=self.attributed,
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts as the command line's --json prints them."""
        return {
            "file": self.file_name, "imported": self.imported, "updated": self.updated,
            "rejected": self.rejected, "attributed": self.attributed,
            "already_imported": self.already_imported_on is not None,
            "rejections": [{"row": r.row, "reason": r.reason} for r in self.rejections],
        }  # fmt: skip


def _sheet(file_name: str, data: bytes) -> Sheet:
    if not data.strip():
        raise InvalidInput(N_("This file is empty."))
    source = read_source(file_name, data)
    for sheet in source.sheets:
        if not sheet.is_blank():
            return sheet
    raise InvalidInput(N_("This file has no table in it."))


def read_headers(file_name: str, data: bytes) -> list[str]:
    """The column names of an admissions export, for the mapping step."""
    sheet = _sheet(file_name, data)
    return [cell_text(cell) for cell in sheet.rows[0] if is_filled(cell)]


def auto_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Columns whose names say what they hold (English or French), canonical name first."""
    keys = {header_key(h): h for h in headers}
    found: dict[str, str] = {}
    for column in COLUMNS:
        for alias in (column, column.replace("_", " "), *_ALIASES.get(column, ())):
            if header_key(alias) in keys:
                found[column] = keys[header_key(alias)]
                break
    return found


def _refuse_identifying(headers: Sequence[str]) -> None:
    for header in headers:
        if _IDENTIFYING.match(header_key(header)):
            raise InvalidInput(
                msg(
                    "This file has a column “{header}”: Spotlight does not keep applicants' names "
                    "or contact details. Remove that column and import the file again.",
                    header=header,
                )
            )


def _choice(value: str, table: dict[str, str], what: str, row: int) -> str:
    found = table.get(header_key(value))
    if found is None:
        raise UnreadableValue(
            msg(
                "Row {row}: “{value}” is not a {what} Spotlight knows.",
                row=row,
                value=value,
                what=what,
            )
        )
    return found


def _row(cells: dict[str, str], row: int, today: date) -> dict[str, Any]:
    """One application as stored (without its pseudonym), or UnreadableValue with the reason."""
    for column in REQUIRED:
        if column not in ("gender",) and not cells.get(column, "").strip():
            raise UnreadableValue(
                msg("Row {row}: “{column}” is empty.", row=row, column=column.replace("_", " "))
            )
    try:
        submitted = parse_datetime(cells["submitted_at"], "dmy")
    except UnreadableValue:
        submitted = None
    if submitted is None:
        raise UnreadableValue(
            msg("Row {row}: “{value}” is not a date.", row=row, value=cells["submitted_at"])
        )
    if submitted.date() > today:
        raise UnreadableValue(msg("Row {row}: the application is dated in the future.", row=row))
    if submitted.year < 2000:
        raise UnreadableValue(
            msg(
                "Row {row}: the date {day} is too far in the past.",
                row=row,
                day=submitted.strftime("%Y-%m-%d"),
            )
        )
    groups: list[str] = []
    for part in re.split(r"[;,|/]", cells.get("priority_groups", "")):
        if part.strip():
            group = _choice(part, _PRIORITIES, N_("priority group"), row)
            if group not in groups:
                groups.append(group)
    return {
        "submitted_at": submitted.astimezone(UTC),
        "programme": " ".join(cells["programme"].split())[:120],
        "programme_family": _choice(
            cells["programme_family"], _FAMILIES, N_("programme family"), row
        ),
        "gender": _choice(cells.get("gender", ""), _GENDERS, N_("gender"), row),
        "disability": _choice(
            cells.get("disability", ""), _DISABILITIES, N_("disability answer"), row
        ),
        "priority_groups": groups,
        "country": cells.get("country", "").strip().upper()[:2],
        "source": cells.get("source", "").strip()[:120],
        "utm_source": cells.get("utm_source", "").strip()[:200],
        "utm_medium": cells.get("utm_medium", "").strip()[:200],
        "utm_campaign": cells.get("utm_campaign", "").strip()[:200],
        "utm_content": cells.get("utm_content", "").strip()[:200],
        "status": _choice(cells["status"], _STATUSES, N_("status"), row),
    }


_POST_CONTENT = re.compile(r"^post-(\d{1,12})$")


def _attribution(
    row: dict[str, Any], campaigns: dict[str, int], posts: dict[int, int]
) -> tuple[int | None, int | None]:
    campaign = campaigns.get(row["utm_campaign"].lower()) if row["utm_campaign"] else None
    post = None
    found = _POST_CONTENT.match(row["utm_content"].lower())
    if campaign is not None and found and posts.get(int(found.group(1))) == campaign:
        post = int(found.group(1))
    return campaign, post


def import_applications(
    db: Engine,
    actor: Actor,
    file_name: str,
    data: bytes,
    *,
    key: bytes,
    mapping: dict[str, str] | None = None,
    today: date | None = None,
) -> ApplicationsReport:
    """Import an admissions export in one transaction; returns what happened to each row."""
    require(actor, Permission.VIEW_SENSITIVE)
    day = today or date.today()
    digest = hashlib.sha256(data).hexdigest()
    with read_only(db) as session:
        before = session.scalar(select(ApplicationImport).where(ApplicationImport.sha256 == digest))
        if before is not None:
            return ApplicationsReport(file_name, already_imported_on=before.imported_at)
    sheet = _sheet(file_name, data)
    headers = [cell_text(cell) for cell in sheet.rows[0]]
    _refuse_identifying(headers)
    columns = mapping or auto_mapping(headers)
    missing = [c.replace("_", " ") for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(
            msg(
                "Say which column holds: {columns} (map the columns and try again).",
                columns=", ".join(missing),
            )
        )
    where = {}
    for column, header in columns.items():
        if column not in COLUMNS:
            raise InvalidInput(
                msg("“{column}” is not a column Spotlight keeps for applications.", column=column)
            )
        if header not in headers:
            raise InvalidInput(msg("This file has no column “{header}”.", header=header))
        where[column] = headers.index(header)
    if len(sheet.rows) - 1 > MAX_ROWS:
        raise InvalidInput(
            msg(
                "This file has more than {limit} rows; split it and import each.",
                limit=wording.count(MAX_ROWS),
            )
        )
    rows: dict[str, dict[str, Any]] = {}
    first_seen: dict[str, int] = {}
    rejections: list[Rejection] = []
    for number, cells in enumerate(sheet.rows[1:], start=2):
        if not any(is_filled(cell) for cell in cells):
            continue
        values = {
            column: cell_text(cells[index]) if index < len(cells) else ""
            for column, index in where.items()
        }
        for value in values.values():
            if _EMAIL.search(value):
                raise InvalidInput(
                    msg(
                        "Row {row} holds an e-mail address: Spotlight does not keep applicants' "
                        "contact details. Remove them from the file and import it again.",
                        row=number,
                    )
                )
        try:
            parsed = _row(values, number, day)
        except UnreadableValue as problem:
            rejections.append(Rejection(number, problem.reason))
            continue
        ref = pseudonym(key, values["application_id"])
        if ref in rows:
            rejections.append(
                Rejection(
                    number,
                    msg(
                        "Row {row}: the same application as row {first}.",
                        row=number,
                        first=first_seen[ref],
                    ),
                )
            )
            continue
        rows[ref], first_seen[ref] = parsed, number
    if not rows and not rejections:
        raise InvalidInput(N_("This file has a header but no applications under it."))
    with transaction(db) as session:
        record = ApplicationImport(
            file_name=file_name[:255], sha256=digest, imported_by=actor.email
        )
        session.add(record)
        session.flush()
        campaigns = {
            code.lower(): cid for cid, code in session.execute(select(Campaign.id, Campaign.code))
        }
        posts = dict(session.execute(select(Post.id, Post.campaign_id)).tuples().all())
        refs = list(rows)
        existing: dict[str, Application] = {}
        for start in range(0, len(refs), 900):
            for found in session.scalars(
                select(Application).where(Application.ref.in_(refs[start : start + 900]))
            ):
                existing[found.ref] = found
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        attributed = 0
        for ref, parsed in rows.items():
            campaign_id, post_id = _attribution(parsed, campaigns, posts)
            attributed += campaign_id is not None
            stored: dict[str, Any] = {**parsed, "campaign_id": campaign_id, "post_id": post_id}
            current = existing.get(ref)
            if current is None:
                inserts.append({"ref": ref, "import_id": record.id, **stored})
                continue
            changed = {k: v for k, v in stored.items() if getattr(current, k) != v}
            if changed:
                updates.append({"id": current.id, "import_id": record.id, **changed})
        for start in range(0, len(inserts), 5000):
            session.execute(insert(Application), inserts[start : start + 5000])
        if updates:
            session.execute(update(Application), updates)
        record.imported, record.updated, record.rejected = (
            len(inserts),
            len(updates),
            len(rejections),
        )
        record.report = {"rejected": [{"row": r.row, "reason": r.reason} for r in rejections]}
        audit.record(
            session, actor, "import_applications", "application_import", record.id,
            {"file": file_name, "imported": len(inserts), "updated": len(updates),
             "rejected": len(rejections)},
        )  # fmt: skip
        return ApplicationsReport(
            file_name, len(inserts), len(updates), len(rejections), tuple(rejections), attributed
        )


def count_applications(db: Engine) -> int:
    """How many applications are held."""
    with read_only(db) as session:
        return int(session.scalar(select(func.count(Application.id))) or 0)


# --- Saved mappings and instructors' counts --------------------------------------------------


def save_mapping(db: Engine, actor: Actor, name: str, columns: dict[str, str]) -> None:
    """Keep an admissions column mapping under a name."""
    require(actor, Permission.VIEW_SENSITIVE)
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise InvalidInput(N_("Give the mapping a name of at most 120 characters."))
    with transaction(db) as session:
        saved = session.scalar(
            select(SavedMapping).where(
                SavedMapping.kind == "applications", SavedMapping.name == name
            )
        )
        if saved is None:
            saved = SavedMapping(kind="applications", name=name, created_by=actor.email)
            session.add(saved)
        saved.columns = dict(columns)
        session.flush()
        audit.record(session, actor, "save_mapping", "saved_mapping", saved.id, {"name": name})


def saved_mappings(db: Engine, actor: Actor) -> dict[str, dict[str, str]]:
    """Saved admissions mappings by name."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        return {
            m.name: {str(k): str(v) for k, v in m.columns.items()}
            for m in session.scalars(
                select(SavedMapping).where(SavedMapping.kind == "applications")
            )
        }


def record_instructors(db: Engine, actor: Actor, term: str, women: int, total: int) -> None:
    """Record how many tech instructors a term had, and how many were women."""
    require(actor, Permission.EDIT_CONTENT)
    term = term.strip()
    if not re.fullmatch(r"\d{4}-[a-z]+", term):
        raise InvalidInput(N_("Name the term as year-season, for example 2026-autumn."))
    if total <= 0 or women < 0 or women > total:
        raise InvalidInput(
            N_("Give the number of instructors, and of women among them (not more).")
        )
    with transaction(db) as session:
        found = session.scalar(select(InstructorCount).where(InstructorCount.term == term))
        if found is None:
            found = InstructorCount(term=term, women=women, total=total)
            session.add(found)
        found.women, found.total, found.recorded_by = women, total, actor.email
        session.flush()
        audit.record(
            session, actor, "record_instructors", "instructor_count", found.id,
            {"term": term, "women": women, "total": total},
        )  # fmt: skip
