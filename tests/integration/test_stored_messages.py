"""Sentences kept in the database (a post's blocking reasons) can still be read in French."""

from __future__ import annotations

from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select

from campaigns.db import MessageList
from campaigns.i18n import Msg, msg, text_in


def test_a_stored_sentence_comes_back_with_its_template(db: Engine) -> None:
    table = Table(
        "stored_messages",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("reasons", MessageList()),
    )
    table.create(db)
    month = msg("{month} {year}", month=msg("November"), year=2026)
    kept = [
        msg("{name}: {reason}", name="Karim Mansour", reason=msg("No consent covers this use.")),
        "A plain sentence.",
        msg("Ends on {day}", day=month),
    ]
    with db.begin() as connection:
        connection.execute(insert(table).values(id=1, reasons=kept))
        back = connection.scalar(select(table.c.reasons).where(table.c.id == 1))
    assert back == kept  # the same English text
    assert isinstance(back[0], Msg)
    assert back[0].template == "{name}: {reason}"
    assert isinstance(back[0].values["reason"], Msg)
    assert not isinstance(back[1], Msg)
    assert text_in("en", back[2]) == "Ends on November 2026"


def test_rows_written_as_plain_text_still_read(db: Engine) -> None:
    plain = Table(
        "old_messages",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("reasons", MessageList()),
    )
    plain.create(db)
    with db.begin() as connection:
        connection.exec_driver_sql(
            """INSERT INTO old_messages (id, reasons) VALUES (1, '["Old sentence.", 3]')"""
        )
        assert connection.scalar(select(plain.c.reasons)) == ["Old sentence.", "3"]
