"""Command line for scripted jobs: `python -m campaigns <group> <command>`.

Exit codes: 0 success, 2 bad input (one clear line on stderr), 1 internal error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from campaigns import accounts, catalogue_io, demo
from campaigns.auth import SYSTEM, parse_role
from campaigns.config import Settings, load_settings
from campaigns.db import ensure_schema_current, make_engine, upgrade_database
from campaigns.errors import InvalidInput, SpotlightError
from campaigns.storage import open_store

log = logging.getLogger("campaigns")

Handler = Callable[[argparse.Namespace, Settings], dict[str, Any]]


def _engine(settings: Settings, *, upgrade: bool = False) -> Engine:
    engine = make_engine(settings.database_url)
    if upgrade:
        upgrade_database(engine)
    else:
        ensure_schema_current(engine)
    return engine


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    _engine(settings, upgrade=True)
    return {"message": "The database is up to date."}


def _users_create(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    password: str | None = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif args.password_prompt:
        password = getpass.getpass("Password: ")
    account = accounts.create_user(
        _engine(settings), SYSTEM, args.email, parse_role(args.role), args.name or "", password
    )
    return {
        "message": f"Created the account {account.email} ({account.role.value}).",
        "id": account.id,
        "email": account.email,
        "role": account.role.value,
    }


def _users_list(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    rows = accounts.list_users(_engine(settings), SYSTEM)
    lines = [
        f"{a.email}\t{a.role.value}\t{'active' if a.active else 'disabled'}\t"
        f"{'password' if a.has_password else 'single sign-on only'}"
        for a in rows
    ]
    return {
        "message": "\n".join(lines) if lines else "There are no accounts yet.",
        "users": [
            {"id": a.id, "email": a.email, "role": a.role.value, "active": a.active} for a in rows
        ],
    }


def _demo_load(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    summary = demo.load_demo(_engine(settings, upgrade=True), open_store(settings))
    return {"message": summary.sentence(), **summary.as_dict()}


def _rolemodels_import(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Spotlight cannot read {path} ({exc.strerror or exc}).") from None
    run = catalogue_io.preview_import if args.dry_run else catalogue_io.apply_import
    report = run(_engine(settings), SYSTEM, data, path.name)
    lines = [
        f"Line {row.line} ({row.full_name or 'no name'}): {' '.join(row.problems)}"
        for row in report.rows
        if row.problems
    ]
    lines += [f"Line {r.line} ({r.full_name}): note: {w}" for r in report.rows for w in r.warnings]
    return {
        "message": "\n".join([*lines, report.sentence()]),
        "dry_run": args.dry_run,
        **report.counts,
        "errors": [
            {"line": row.line, "problems": list(row.problems)}
            for row in report.rows
            if row.problems
        ],
        "ignored_columns": list(report.ignored_columns),
    }


def _rolemodels_export(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput("Name the export file .csv or .xlsx (for example catalogue.xlsx).")
    fmt: Literal["csv", "xlsx"] = "csv" if suffix == ".csv" else "xlsx"
    data = catalogue_io.export_role_models(
        _engine(settings), SYSTEM, fmt, include_archived=args.include_archived
    )
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"Spotlight cannot write {path} ({exc.strerror or exc}).") from None
    return {"message": f"Exported the catalogue to {path}.", "file": str(path), "format": fmt}


def _media_probe(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.media.probe import probe_video

    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(f"There is no file at {path}.")
    facts = probe_video(path).as_dict()
    lines = [f"{key}: {value}" for key, value in facts.items()]
    return {"message": "\n".join(lines), **facts}


def _media_add(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import portraits

    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(f"There is no file at {path}.")
    data = portraits.PortraitInput(
        title=args.title or path.stem,
        role_model_ids=tuple(args.role_model),
        language=args.language,
        alt_text=args.alt_text or f"Video portrait: {args.title or path.stem}.",
    )
    with path.open("rb") as upload:
        portrait_id = portraits.add_portrait(
            _engine(settings),
            open_store(settings),
            SYSTEM,
            upload,
            path.name,
            data,
            max_bytes=settings.max_upload_bytes,
        )
    return {"message": f"Added the portrait #{portrait_id}.", "id": portrait_id}


def _media_render(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import portraits

    db = _engine(settings)
    names = [n.strip() for n in args.preset.split(",") if n.strip()]
    request = portraits.request_versions(
        db, SYSTEM, args.asset_id, names, trim_to_fit=args.trim_to_fit
    )
    # The command line waits: it renders here rather than through the queue.
    portraits.render_queued(db, open_store(settings), request.version_ids, settings.render_speed)
    view = portraits.get_portrait(db, SYSTEM, args.asset_id)
    done = [v for v in view.versions if v.id in request.version_ids]
    lines = [
        f"{v.preset}: {portraits.STATUS_LABELS.get(v.status, v.status)}"
        + (f" ({v.error})" if v.error else f" ({(v.size_bytes or 0) / 1e6:.1f} MB)")
        for v in done
    ] + [f"{r.preset}: refused ({r.reason})" for r in request.refused]
    result = {
        "message": "\n".join(lines),
        "versions": [
            {"id": v.id, "preset": v.preset, "status": v.status, "error": v.error} for v in done
        ],
        "refused": [{"preset": r.preset, "reason": r.reason} for r in request.refused],
    }
    if not done or any(v.status != "done" for v in done):
        failures = "; ".join(lines) or "no version could be made"
        raise InvalidInput(f"Not every version was made: {failures}.")
    return result


def _worker(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import jobs

    jobs.run_worker(args.workers or settings.render_workers)
    return {"message": "The worker stopped."}


def _schedule_export(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import publishing

    if not args.ics and not args.csv:
        raise InvalidInput("Say where to write the export: --ics FILE, --csv FILE or both.")
    if args.ics and Path(args.ics).suffix.lower() != ".ics":
        raise InvalidInput("Name the calendar file .ics (for example posts.ics).")
    if args.csv and Path(args.csv).suffix.lower() != ".csv":
        raise InvalidInput("Name the scheduler file .csv (for example posts.csv).")
    db = _engine(settings)
    written: dict[str, str] = {}
    count = len(publishing.export_post_ids(db, SYSTEM))
    for path, make in ((args.ics, publishing.calendar_ics), (args.csv, publishing.scheduler_csv)):
        if not path:
            continue
        try:
            Path(path).write_bytes(make(db, SYSTEM))
        except OSError as exc:
            raise InvalidInput(f"Spotlight cannot write {path} ({exc.strerror or exc}).") from None
        written[Path(path).suffix.lower().lstrip(".")] = str(path)
    files = " and ".join(written.values())
    noun = "post" if count == 1 else "posts"
    return {"message": f"Exported {count} {noun} to {files}.", "posts": count, **written}


def _metrics_import(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.engagement import importing

    db = _engine(settings)
    mapping = None
    if args.mapping:
        mappings = importing.saved_mappings(db, SYSTEM)
        if args.mapping not in mappings:
            known = ", ".join(mappings) or "none yet"
            raise InvalidInput(f"There is no saved mapping called “{args.mapping}” ({known}).")
        mapping = mappings[args.mapping]
    reports = []
    for name in args.files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"Spotlight cannot read {name} ({exc.strerror or exc}).") from None
        try:
            reports.append(
                importing.import_metrics(
                    db, SYSTEM, path.name, data, platform=args.platform, mapping=mapping
                )
            )
        except SpotlightError as exc:
            # Earlier files stay imported: each file is its own transaction.
            done = f" ({len(reports)} earlier file(s) imported)" if reports else ""
            raise InvalidInput(f"{path.name}: {exc.message}{done}") from None
    lines = [report.summary for report in reports]
    for report in reports:
        lines += [f"  {r.reason}" for r in report.rejections]
    return {
        "message": "\n".join(lines),
        **importing.summed(reports),
        "files": [report.as_dict() for report in reports],
    }


def _applications_import(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import applications

    db = _engine(settings)
    columns = None
    if args.mapping:
        mappings = applications.saved_mappings(db, SYSTEM)
        if args.mapping not in mappings:
            known = ", ".join(mappings) or "none yet"
            raise InvalidInput(f"There is no saved mapping called “{args.mapping}” ({known}).")
        columns = mappings[args.mapping]
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Spotlight cannot read {args.file} ({exc.strerror or exc}).") from None
    report = applications.import_applications(
        db, SYSTEM, path.name, data, key=applications.application_key(settings), mapping=columns
    )
    lines = [report.summary, *(f"  {r.reason}" for r in report.rejections)]
    return {"message": "\n".join(lines), **report.as_dict()}


def _effect(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import effect, impact

    db = _engine(settings)
    if args.campaign is None and not args.programmes:
        raise InvalidInput("Name a campaign (--campaign CODE) or programmes (--programmes A,B).")
    data = impact.effect_input(
        db, SYSTEM, args.group, campaign_code=args.campaign, programmes=_names(args.programmes),
        comparison=_names(args.comparison), start=_date(args.start), end=_date(args.end),
    )  # fmt: skip
    found = effect.estimate_effect(
        data.daily, data.start, data.end, group_label=impact.GROUPS[args.group].lower()
    )
    result = effect.as_dict(found)
    # Weekly counts by group stay in the app, where small cells are hidden.
    for check in ("pre_trend", "undisclosed"):
        if isinstance(result.get(check), dict):
            result[check].pop("weekly", None)
    return {"message": found.reading, **result}


def _demo_admissions(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.demo_applications import DEMO_LIFT, demo_admissions_csv

    data = demo_admissions_csv(_engine(settings), date.today())
    try:
        Path(args.file).write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"Spotlight cannot write {args.file} ({exc.strerror or exc}).") from None
    rows = data.count(b"\n") - 1
    return {
        "message": f"Wrote {rows:,} demo applications to {args.file} "
        f"(a lift of {DEMO_LIFT * 100:.0f} points in the share of women is built in).",
        "applications": rows,
        "file": args.file,
    }


def _backup_create(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.backup import cli_create

    return cli_create(args, settings)


def _backup_restore(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.backup import cli_restore

    return cli_restore(args, settings)


def _person_export(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.privacy import cli_person_export

    return cli_person_export(args, settings)


def _person_erase(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.privacy import cli_person_erase

    return cli_person_erase(args, settings)


def _retention_run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns.privacy import cli_retention_run

    return cli_retention_run(args, settings)


def _report(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    from campaigns import reports

    request = reports.ReportRequest(
        kind=args.command, subject=args.code if args.command == "campaign" else args.year,
        language=args.language, format=reports.format_of(args.out),
    )  # fmt: skip
    reports.check_request(request)  # a bad year or language is refused before any work
    report = reports.make_report(
        _engine(settings), open_store(settings), SYSTEM, request, reports.report_settings(settings)
    )
    path = Path(args.out)
    try:
        path.write_bytes(report.data)
    except OSError as exc:
        raise InvalidInput(f"Spotlight cannot write {path} ({exc.strerror or exc}).") from None
    pages = f"{report.pages} pages, " if report.pages else ""
    what = (
        f"the campaign report of “{report.figures.name}”"
        if isinstance(report.figures, reports.CampaignFigures)
        else f"the mission report {report.figures.year}"
    )
    return {
        "message": f"Wrote {what} to {path} ({pages}{report.seconds:.1f} s).",
        "file": str(path),
        "kind": request.kind,
        "subject": request.subject,
        "language": request.language,
        "format": request.format,
        "pages": report.pages,
        "seconds": round(report.seconds, 2),
        "data_timestamp": report.figures.data_timestamp,
    }


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"“{text}” is not a date written as YYYY-MM-DD.") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="python -m campaigns", description="Spotlight's command line for scripted jobs."
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")

    db = groups.add_parser("db", help="database schema").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    db.add_parser("upgrade", help="create or upgrade the database").set_defaults(
        handler=_db_upgrade
    )

    users = groups.add_parser("users", help="team accounts").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    create = users.add_parser("create", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, help="viewer, editor, privacy_officer or admin")
    create.add_argument("--name", help="name shown in the app")
    secret = create.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    secret.add_argument("--password-prompt", action="store_true", help="ask for the password")
    create.set_defaults(handler=_users_create)
    users.add_parser("list", help="list accounts").set_defaults(handler=_users_list)

    demo_group = groups.add_parser("demo", help="demonstration data").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    admissions = demo_group.add_parser(
        "admissions", help="write the demo admissions export (two years, a known effect)"
    )
    admissions.add_argument("file", metavar="FILE")
    admissions.set_defaults(handler=_demo_admissions)
    demo_group.add_parser("load", help="load the demo dataset (safe to run twice)").set_defaults(
        handler=_demo_load
    )

    rolemodels = groups.add_parser("rolemodels", help="role models in bulk").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    import_ = rolemodels.add_parser("import", help="import role models from a .csv or .xlsx file")
    import_.add_argument("file", metavar="FILE")
    import_.add_argument(
        "--dry-run", action="store_true", help="show what would change and save nothing"
    )
    import_.set_defaults(handler=_rolemodels_import)
    export = rolemodels.add_parser("export", help="export role models to a .csv or .xlsx file")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--include-archived", action="store_true", help="also archived people")
    export.set_defaults(handler=_rolemodels_export)
    for command in (import_, export):  # --json also accepted after the command
        command.add_argument(
            "--json", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    media = groups.add_parser("media", help="video portraits").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    probe = media.add_parser("probe", help="describe a video file without keeping it")
    probe.add_argument("file")
    probe.set_defaults(handler=_media_probe)
    add = media.add_parser("add", help="check a video and keep it as a portrait")
    add.add_argument("file")
    add.add_argument("--role-model", type=int, action="append", required=True, metavar="ID")
    add.add_argument("--title")
    add.add_argument("--language", default="fr")
    add.add_argument("--alt-text")
    add.set_defaults(handler=_media_add)
    render = media.add_parser("render", help="make network versions now and wait for them")
    render.add_argument("asset_id", type=int, metavar="ASSET_ID")
    render.add_argument("--preset", required=True, help="preset names, comma-separated")
    render.add_argument("--trim-to-fit", action="store_true")
    render.set_defaults(handler=_media_render)

    schedule = groups.add_parser("schedule", help="planned posts").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    schedule_export = schedule.add_parser(
        "export", help="write approved and scheduled posts as .ics and/or .csv"
    )
    schedule_export.add_argument("--ics", metavar="FILE", help="iCalendar file for a calendar")
    schedule_export.add_argument("--csv", metavar="FILE", help="CSV file for a bulk scheduler")
    schedule_export.set_defaults(handler=_schedule_export)

    metrics = groups.add_parser("metrics", help="analytics exports of the networks").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    metrics_import = metrics.add_parser("import", help="import analytics exports (one or more)")
    metrics_import.add_argument("files", nargs="+", metavar="FILE")
    metrics_import.add_argument(
        "--platform", default="auto",
        choices=("auto", "linkedin", "meta", "youtube", "tiktok", "csv"),
        help="where the files come from (default: found from their content)",
    )  # fmt: skip
    metrics_import.add_argument("--mapping", help="saved column mapping for --platform csv")
    metrics_import.set_defaults(handler=_metrics_import)

    applications_group = groups.add_parser(
        "applications", help="admissions exports"
    ).add_subparsers(dest="command", required=True, metavar="COMMAND")
    applications_import = applications_group.add_parser(
        "import", help="import an admissions export (.csv or .xlsx)"
    )
    applications_import.add_argument("file", metavar="FILE")
    applications_import.add_argument("--mapping", help="saved column mapping to use")
    applications_import.set_defaults(handler=_applications_import)

    effect_parser = groups.add_parser(
        "effect", help="estimate a campaign's effect on applications from a group"
    )
    effect_parser.add_argument(
        "--group", required=True,
        help="women, disability, jobseeker, low_qualification, disadvantaged_area or refugee",
    )  # fmt: skip
    effect_parser.add_argument("--campaign", metavar="CODE", help="the campaign's tracking code")
    effect_parser.add_argument("--programmes", help="promoted programmes, comma-separated")
    effect_parser.add_argument("--comparison", help="comparison programmes, comma-separated")
    effect_parser.add_argument("--start", help="first day of the campaign (YYYY-MM-DD)")
    effect_parser.add_argument("--end", help="last day of the campaign (YYYY-MM-DD)")
    effect_parser.set_defaults(handler=_effect)

    person = groups.add_parser("person", help="a person's data rights").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    person_export = person.add_parser("export", help="everything held on a person, as a zip")
    person_export.add_argument("person_id", type=int, metavar="ID")
    person_export.add_argument("file", metavar="FILE")
    person_export.set_defaults(handler=_person_export)
    person_erase = person.add_parser("erase", help="erase a person's data and files")
    person_erase.add_argument("person_id", type=int, metavar="ID")
    person_erase.add_argument("--dry-run", action="store_true", help="list what would go")
    person_erase.set_defaults(handler=_person_erase)

    retention = groups.add_parser("retention", help="media past their keeping time").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    retention_run = retention.add_parser("run", help="purge media kept past the retention time")
    retention_run.add_argument("--dry-run", action="store_true", help="list what would go")
    retention_run.set_defaults(handler=_retention_run)

    backup = groups.add_parser("backup", help="backups of the database and media").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    backup_create = backup.add_parser("create", help="write a backup into an empty folder")
    backup_create.add_argument("directory", metavar="DIR")
    backup_create.set_defaults(handler=_backup_create)
    backup_restore = backup.add_parser(
        "restore", help="restore a backup into an empty installation"
    )
    backup_restore.add_argument("directory", metavar="DIR")
    backup_restore.add_argument(
        "--force", action="store_true", help="replace the data of a non-empty installation"
    )
    backup_restore.set_defaults(handler=_backup_restore)

    report = groups.add_parser("report", help="campaign and mission reports").add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    report_campaign = report.add_parser("campaign", help="a campaign's report (.pdf or .html)")
    report_campaign.add_argument("code", metavar="CODE", help="the campaign's tracking code")
    report_mission = report.add_parser("mission", help="the yearly mission report (.pdf or .html)")
    report_mission.add_argument("--year", required=True, metavar="YYYY")
    for command in (report_campaign, report_mission):
        command.add_argument("--out", required=True, metavar="FILE", help="report.pdf or .html")
        command.add_argument("--language", default="en", help="en (default) or fr")
        command.set_defaults(handler=_report)

    worker = groups.add_parser("worker", help="render queued versions in the background")
    worker.add_argument("--workers", type=int, help="renders at the same time")
    worker.set_defaults(handler=_worker)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    # --json is accepted anywhere on the line, as scripts tend to put it last.
    words = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in words
    try:
        args = parser.parse_args([word for word in words if word != "--json"])
        args.json = as_json
    except SystemExit as exc:  # argparse already printed a usage line
        return 0 if exc.code == 0 else 2
    handler: Handler = args.handler
    try:
        result = handler(args, load_settings())
    except SpotlightError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("internal error")
        print(
            "Error: something went wrong inside Spotlight; the details are in the log above.",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(json.dumps(result, default=str))
    else:
        print(result["message"])
    return 0
