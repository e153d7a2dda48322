"""Catalogue search at scale: 10,000 role models and 30,000 consent records.

Prints the median time of each search and its ratio to a plain SQL query returning the same
people (the baseline, run in the same process on the same database).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text

from campaigns.auth import SYSTEM
from campaigns.catalogue import CATEGORIES, KINDS, CatalogueFilter, search_role_models
from campaigns.consent import ConsentStatus
from campaigns.db import make_engine, upgrade_database
from campaigns.models import ConsentRecord, RoleModel, RoleModelLabel

PEOPLE = 10_000
CONSENTS = 30_000
REPEATS = 15
TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, tzinfo=UTC)
BIOS = [
    "Retrained after twenty years in retail.",
    "Career change at 45.",
    "Left school at 16.",
    "Self-taught developer.",
]
PROGRAMMES = ["Web developer", "Data analyst", "Cybersecurity", "Cloud", "UX designer", "Support"]


def populate(url: str) -> None:
    """Fill a fresh database with a large, varied catalogue."""
    rng = random.Random(42)
    engine = make_engine(url)
    upgrade_database(engine)
    people = [
        {
            "id": i,
            "full_name": f"Person {i:05d} {rng.choice(['Martin', 'Diallo', 'Nguyen', 'Smith'])}",
            "preferred_name": "",
            "pronouns": "",
            "email": f"p{i}@example.org",
            "phone": "",
            "country": "FR",
            "time_zone": "Europe/Paris",
            "kind": rng.choice(KINDS),
            "cohort": "",
            "employer": "",
            "availability": "",
            "accessibility_needs": "",
            "disability_details": "",
            "disability_explicit_consent": False,
            "bio": rng.choice(
                [
                    "Retrained after twenty years in retail.",
                    "Career change at 45.",
                    "Left school at 16.",
                    "Self-taught developer.",
                ]
            ),
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(1, PEOPLE + 1)
    ]
    labels = []
    for i in range(1, PEOPLE + 1):
        for category in rng.sample(CATEGORIES, rng.randint(1, 3)):
            labels.append({"role_model_id": i, "kind": "category", "value": category})
        labels.append({"role_model_id": i, "kind": "programme", "value": rng.choice(PROGRAMMES)})
        labels.append(
            {"role_model_id": i, "kind": "tag", "value": rng.choice(["portrait", "talk"])}
        )
    consents = []
    for n in range(CONSENTS):
        start = TODAY - timedelta(days=rng.randint(0, 900))
        consents.append(
            {
                "role_model_id": rng.randint(1, PEOPLE),
                "channels": ["instagram", "linkedin"],
                "uses": ["organic"],
                "media": ["video"],
                "signed_on": start,
                "valid_from": start,
                "expires_on": start + timedelta(days=rng.choice([365, 730])),
                "text_version": "v3",
                "special_category": False,
                "special_category_wording": "",
                "collected_by": "bench",
                "method": "e-form",
                "is_minor": False,
                "guardian": "",
                "proof_key": f"proofs/{n}.pdf",
                "withdrawn_on": TODAY - timedelta(days=3) if n % 97 == 0 else None,
                "withdrawal_channel": "",
                "withdrawal_note": "",
                "created_at": NOW,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(RoleModel.__table__), people)
        connection.execute(insert(RoleModelLabel.__table__), labels)
        connection.execute(insert(ConsentRecord.__table__), consents)
    engine.dispose()


def median_ms(run: Callable[[], object]) -> float:
    """Median wall time of a call, in milliseconds, after one warm-up."""
    run()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Build the catalogue, then time each search against its plain-SQL baseline."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        populate(url)
        engine = make_engine(url)
        cases = {
            "everyone, first page": (CatalogueFilter(), "SELECT id FROM role_models"),
            "text 'career change'": (
                CatalogueFilter(text="career change"),
                "SELECT id FROM role_models WHERE lower(bio) LIKE '%career change%'",
            ),
            "category + programme": (
                CatalogueFilter(categories=("disability",), programmes=("Data analyst",)),
                "SELECT role_model_id FROM role_model_labels WHERE kind='category' "
                "AND value='disability'",
            ),
            "consent status valid": (
                CatalogueFilter(consent_statuses=(ConsentStatus.VALID,)),
                "SELECT role_model_id, valid_from, expires_on, withdrawn_on FROM consent_records",
            ),
            "instructors not featured 6 months": (
                CatalogueFilter(kinds=("instructor",), not_featured_for_months=6),
                "SELECT id FROM role_models WHERE kind='instructor'",
            ),
        }
        print(f"catalogue: {PEOPLE} people, {CONSENTS} consents, median of {REPEATS} runs")
        print(f"{'search':36} {'ours ms':>8} {'SQL ms':>8} {'ratio':>6} {'matches':>8}")
        worst = 0.0
        for name, (filters, sql) in cases.items():
            result = search_role_models(engine, SYSTEM, filters, TODAY, 30)
            ours = median_ms(lambda f=filters: search_role_models(engine, SYSTEM, f, TODAY, 30))

            def baseline(statement: str = sql) -> object:
                with engine.connect() as connection:
                    return connection.execute(text(statement)).all()

            base = median_ms(baseline)
            worst = max(worst, ours)
            print(f"{name:36} {ours:8.1f} {base:8.1f} {ours / base:6.1f} {result.total:8d}")
        print(f"slowest search: {worst:.0f} ms (goal: under 200 ms)")


if __name__ == "__main__":
    main()
