"""Sentences made by the domain read in English as before and in French once the catalogue has them.

The French entries are read from the catalogue files as they are when the test runs: the
domain's fragment (`domain-fragment.po`) while it waits to be merged, `spotlight.po` once it
is. Either way the test points Spotlight at a temporary catalogue holding both, so it does not
depend on the merge having happened.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from sqlalchemy import Engine

from campaigns import audit, catalogue, consent, effect, i18n, wording
from campaigns.auth import SYSTEM
from campaigns.db import transaction
from campaigns.errors import Conflict, InvalidFields, SpotlightError
from campaigns.i18n import N_, Msg, msg, text_in

MESSAGES = Path(i18n.LOCALES) / "fr" / "LC_MESSAGES"


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Spotlight reads a French catalogue made of the project's catalogue and the fragment."""
    merged = Catalog(locale="fr", domain=i18n.DOMAIN)
    for name in ("spotlight.po", "domain-fragment.po"):
        path = MESSAGES / name
        if path.exists():
            with path.open("rb") as handle:
                for message in read_po(handle, locale="fr"):
                    if message.id and message.string and not message.fuzzy:
                        merged.add(message.id, message.string)
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / f"{i18n.DOMAIN}.po").open("wb") as handle:
        write_po(handle, merged)
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.catalogue.cache_clear()
    yield
    i18n.catalogue.cache_clear()


def _profile(email: str) -> catalogue.ProfileInput:
    return catalogue.ProfileInput(full_name="Inès Martin", kind="student", email=email)


def test_a_service_error_reads_in_french_with_its_values(french: None, sqlite_db: Engine) -> None:
    catalogue.create_role_model(sqlite_db, SYSTEM, _profile("ines@example.org"))
    with pytest.raises(Conflict) as caught:
        catalogue.create_role_model(sqlite_db, SYSTEM, _profile("ines@example.org"))
    message = caught.value.message
    assert message == "Someone in the catalogue already has the e-mail ines@example.org."
    assert text_in("en", message) == message
    assert text_in("fr", message) == (
        "Une personne du catalogue a déjà l’adresse e-mail ines@example.org."
    )


def test_a_constant_message_is_found_even_after_a_round_trip_through_the_database(
    french: None, sqlite_db: Engine
) -> None:
    # Stored text comes back as a plain string: a sentence without values is still found.
    with transaction(sqlite_db) as session:
        audit.record(session, SYSTEM, "test", "role_model", 1, summary=N_("Type the quote."))
    (entry,) = audit.list_events(sqlite_db, SYSTEM, action="test")
    assert type(entry.summary) is str
    assert text_in("fr", entry.summary) == "Saisissez la citation."


def test_labels_values_and_dates_inside_a_sentence_are_translated_too(french: None) -> None:
    terms = consent.ConsentTerms(
        id=3,
        channels=frozenset({"instagram"}),
        uses=frozenset({"organic"}),
        media=frozenset({"video"}),
        valid_from=date(2025, 1, 6),
        expires_on=date(2026, 3, 9),
    )
    reason = consent.decide([terms], "video", "instagram", "organic", date(2026, 4, 1)).reason
    assert (
        reason
        == "The consent for the video on Instagram for organic posts expired on 09 March 2026."
    )
    assert text_in("fr", reason) == (
        "Le consentement pour cet usage (vidéo sur Instagram pour publications organiques) "
        "a expiré le 9 mars 2026."
    )


def test_a_reading_keeps_its_english_and_takes_french_numbers(french: None) -> None:
    share = effect.share_with_interval(3_210, 12_000, 0.25)
    assert share.sentence.startswith("26.8 % (3,210 of 12,000), likely between ")
    french_sentence = text_in("fr", share.sentence)
    assert french_sentence.startswith(
        "26,8\u00a0% (3\u202f210 sur 12\u202f000), probablement entre "
    )
    assert "{" not in french_sentence


def test_every_field_of_a_form_error_is_translated_in_the_joined_message(french: None) -> None:
    error = InvalidFields(
        {"quote": N_("Type the quote."), "name": msg("{name} is archived.", name="Ana")}
    )
    assert error.message == "Type the quote. Ana is archived."
    assert text_in("fr", error.message) == "Saisissez la citation. La fiche de Ana est archivée."
    assert [text_in("fr", sentence) for sentence in error.fields.values()] == [
        "Saisissez la citation.",
        "La fiche de Ana est archivée.",
    ]


@pytest.mark.parametrize("value", [0, 7, 999, 1_000, 12_345, 1_234_567, -4_321, 12_345_678_901])
def test_whole_numbers_read_as_python_writes_them(value: int) -> None:
    assert wording.count(value) == f"{value:,}"


@pytest.mark.parametrize("value", [0.0, 0.04, -0.04, 2.25, 12_345.67, -9_876.5, 999.96])
def test_decimals_read_as_python_writes_them(value: float) -> None:
    assert wording.decimal(value, 1) == f"{value:,.1f}"
    assert wording.decimal(value, 1, plus=True) == f"{value:+,.1f}"
    assert wording.decimal(value, 0, grouping=False) == f"{value:.0f}"
    assert wording.tight_percent(value / 100) == f"{value / 100:.0%}"


def test_dates_read_as_strftime_writes_them_in_english(french: None) -> None:
    day = date(2026, 3, 5)
    assert wording.long_date(day) == f"{day:%d %B %Y}"
    assert wording.short_date(day) == f"{day:%d %b %Y}"
    assert text_in("fr", wording.long_date(day)) == "5 mars 2026"
    assert text_in("fr", wording.decimal(-12_345.6, 1)) == "-12\u202f345,6"


def test_a_message_survives_pickle_unchanged(french: None) -> None:
    sentence = msg("{name} is archived.", name="Ana")
    copy = pickle.loads(pickle.dumps(sentence))  # noqa: S301 - bytes this test just made
    assert copy == sentence == "Ana is archived."
    assert isinstance(copy, Msg)
    assert (copy.template, copy.values) == (sentence.template, sentence.values)
    assert text_in("fr", copy) == "La fiche de Ana est archivée."


def test_an_error_carrying_a_message_survives_pickle(french: None) -> None:
    made = pickle.dumps(SpotlightError(msg("{name} is archived.", name="Ana")))
    error = pickle.loads(made)  # noqa: S301 - bytes this test just made
    assert error.message == "Ana is archived."
    assert text_in("fr", error.message) == "La fiche de Ana est archivée."


def test_a_message_is_plain_text_to_json() -> None:
    sentence = msg("The consent was withdrawn on {day}.", day=wording.long_date(date(2026, 1, 2)))
    assert json.dumps(sentence) == json.dumps("The consent was withdrawn on 02 January 2026.")
    assert json.loads(json.dumps({"reason": sentence})) == {"reason": str(sentence)}
    assert f"{sentence}" == str(sentence) and sentence + "!" == str(sentence) + "!"


def test_text_the_catalogue_does_not_know_stays_as_it_is(french: None) -> None:
    assert text_in("fr", "Inès Martin") == "Inès Martin"
    assert text_in("fr", msg("{name}: {reason}", name="Inès", reason="Un motif saisi")) == (
        "Inès\u00a0: Un motif saisi"
    )
