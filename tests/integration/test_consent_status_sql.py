"""The SQL form of the consent status agrees with the rule in Python, record by record."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import Engine, insert, select

from campaigns.consent import (
    ConsentStatus,
    overall_status,
    status_from_rank,
    status_rank_by_person,
    terms_of,
)
from campaigns.db import read_only, transaction
from campaigns.models import ConsentRecord, RoleModel

TODAY = date(2026, 11, 29)


def test_sql_status_matches_the_python_rule_for_varied_records(db: Engine) -> None:
    rng = random.Random(3)
    with transaction(db) as session:
        session.execute(
            insert(RoleModel),
            [{"id": i, "full_name": f"P{i}", "kind": "student"} for i in range(1, 201)],
        )
        # One record each for the first 200 people, then more records for some of them.
        for n in range(300):
            start = TODAY + timedelta(days=rng.randint(-400, 20))
            session.add(
                ConsentRecord(
                    role_model_id=n + 1 if n < 200 else rng.randint(1, 200),
                    channels=["instagram"],
                    uses=["organic"],
                    media=["video"],
                    signed_on=start,
                    valid_from=start,
                    expires_on=rng.choice(
                        [
                            None,
                            TODAY + timedelta(days=rng.randint(-60, 90)),
                            TODAY,
                            TODAY + timedelta(days=30),
                        ]
                    ),
                    text_version="v1",
                    collected_by="t",
                    method="e-form",
                    is_minor=rng.random() < 0.1,
                    guardian=rng.choice(["", "Parent"]),
                    proof_key=None if rng.random() < 0.1 else f"p/{n}.pdf",
                    withdrawn_on=rng.choice(
                        [
                            None,
                            None,
                            None,
                            TODAY,
                            TODAY + timedelta(days=5),
                            TODAY - timedelta(days=9),
                        ]
                    ),
                )
            )
    rank = status_rank_by_person(TODAY, 30)
    with read_only(db) as session:
        from_sql = {pid: status_from_rank(r) for pid, r in session.execute(select(rank))}
        records = session.scalars(select(ConsentRecord)).all()
        grouped: dict[int, list] = {}
        for record in records:
            grouped.setdefault(record.role_model_id, []).append(terms_of(record))
    from_python = {pid: overall_status(terms, TODAY, 30) for pid, terms in grouped.items()}
    assert from_sql == from_python
    assert set(from_python.values()) == set(ConsentStatus)  # the sample covers every status
    assert status_from_rank(None) is ConsentStatus.NONE
