"""Catalogue and consent services on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select

from campaigns import audit, catalogue, consent
from campaigns.auth import Actor, Role
from campaigns.catalogue import CatalogueFilter
from campaigns.consent import ConsentStatus, Proof
from campaigns.db import read_only, transaction
from campaigns.errors import Conflict, InvalidFields, InvalidInput, PermissionDenied, StorageError
from campaigns.models import Appearance, ConsentRecord, MediaAsset, RoleModel
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, jpeg, profile

TODAY = date.today()
EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)
PRIVACY = Actor(user_id=None, email="po@school.example", role=Role.PRIVACY_OFFICER)
ADMIN = Actor(user_id=None, email="ad@school.example", role=Role.ADMIN)
VIEWER = Actor(user_id=None, email="vi@school.example", role=Role.VIEWER)


def count(db: Engine, model: type) -> int:
    with read_only(db) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_then_read_back_a_profile(db: Engine) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile(tags=("Portrait", "portrait ")))
    detail = catalogue.get_role_model(db, EDITOR, pid)
    assert detail.profile.full_name == "Amina Diallo"
    assert detail.profile.tags == ("portrait",)
    assert detail.profile.categories == ("woman_in_tech",)


def test_field_errors_are_reported_per_field_and_nothing_is_saved(db: Engine) -> None:
    with pytest.raises(InvalidFields) as caught:
        catalogue.create_role_model(
            db, EDITOR, profile(email="nope", kind="apprentice", country="France")
        )
    assert set(caught.value.fields) == {"email", "employer", "country"}
    assert count(db, RoleModel) == 0


def test_duplicate_guard_flags_same_email_or_same_name_and_programme(db: Engine) -> None:
    catalogue.create_role_model(db, EDITOR, profile())
    same_email = catalogue.find_duplicates(
        db, profile(name="Someone Else", email="amina.diallo@example.org")
    )
    assert [w.reason for w in same_email] == [
        "Amina Diallo already has the e-mail amina.diallo@example.org."
    ]
    same_name = catalogue.find_duplicates(db, profile(email=""))
    assert same_name[0].reason == "Amina Diallo is already in the programme Web developer."
    assert (
        catalogue.find_duplicates(
            db, profile(name="Amina Diallo", email="", programmes=("Data analyst",))
        )
        == []
    )
    with pytest.raises(Conflict):
        catalogue.create_role_model(
            db, EDITOR, profile(name="Other", email="Amina.Diallo@example.org")
        )


SENSITIVE = profile(
    categories=("woman_in_tech", "disability"),
    disability_details="Uses a screen reader.",
    disability_explicit_consent=True,
)


@pytest.mark.parametrize(("actor", "sees"), [(EDITOR, False), (PRIVACY, True), (ADMIN, True)])
def test_disability_details_are_visible_only_to_privacy_officers_and_admins(
    db: Engine, actor: Actor, sees: bool
) -> None:
    pid = catalogue.create_role_model(db, PRIVACY, SENSITIVE)
    details = catalogue.get_role_model(db, actor, pid).profile.disability_details
    assert details == ("Uses a screen reader." if sees else "")


def test_viewers_cannot_open_the_catalogue(db: Engine) -> None:
    pid = catalogue.create_role_model(db, PRIVACY, SENSITIVE)
    with pytest.raises(PermissionDenied):
        catalogue.get_role_model(db, VIEWER, pid)
    with pytest.raises(PermissionDenied):
        catalogue.search_role_models(db, VIEWER, CatalogueFilter(), TODAY, 30)


def test_an_editor_cannot_write_disability_details_nor_erase_them_by_saving(db: Engine) -> None:
    with pytest.raises(PermissionDenied):
        catalogue.create_role_model(db, EDITOR, replace(SENSITIVE, email="x@example.org"))
    pid = catalogue.create_role_model(db, PRIVACY, SENSITIVE)
    seen_by_editor = catalogue.get_role_model(db, EDITOR, pid).profile
    catalogue.update_role_model(db, EDITOR, pid, replace(seen_by_editor, bio="New bio"))
    kept = catalogue.get_role_model(db, PRIVACY, pid).profile
    assert kept.disability_details == "Uses a screen reader."
    assert kept.bio == "New bio"


def test_disability_details_need_the_explicit_consent_flag(db: Engine) -> None:
    with pytest.raises(InvalidFields) as caught:
        catalogue.create_role_model(
            db, PRIVACY, replace(SENSITIVE, disability_explicit_consent=False)
        )
    assert "explicit consent" in caught.value.fields["disability_details"]


def test_disability_details_never_reach_the_audit_trail(db: Engine) -> None:
    pid = catalogue.create_role_model(db, PRIVACY, SENSITIVE)
    catalogue.update_role_model(
        db, PRIVACY, pid, replace(SENSITIVE, disability_details="Deaf since birth.")
    )
    trail = repr(audit.list_events(db, ADMIN))
    assert "screen reader" not in trail
    assert "Deaf since birth" not in trail
    assert "amina.diallo@example.org" in trail  # the e-mail is the person's key, not a secret


def test_update_records_which_fields_changed(db: Engine) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    catalogue.update_role_model(db, EDITOR, pid, profile(bio="Changed."))
    latest = audit.list_events(db, ADMIN, action="update_role_model")[0]
    assert latest.changes == {"bio": ["Was told computing was for boys.", "Changed."]}


def test_archive_hides_from_search_and_restore_brings_back(db: Engine) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    catalogue.set_archived(db, EDITOR, pid, True)
    assert catalogue.search_role_models(db, EDITOR, CatalogueFilter(), TODAY, 30).total == 0
    archived = catalogue.search_role_models(db, EDITOR, CatalogueFilter(archived=True), TODAY, 30)
    assert [c.id for c in archived.cards] == [pid]
    assert not consent.may_use(db, pid, "video", "instagram", "organic", TODAY).allowed
    catalogue.set_archived(db, EDITOR, pid, False)
    assert catalogue.search_role_models(db, EDITOR, CatalogueFilter(), TODAY, 30).total == 1


def test_photo_is_stored_with_thumbnails_and_alt_text(db: Engine, store: LocalStore) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    catalogue.set_photo(db, store, EDITOR, pid, jpeg(), "me.jpg", "Amina smiling at her desk.")
    detail = catalogue.get_role_model(db, EDITOR, pid)
    assert detail.photo_alt_text == "Amina smiling at her desk."
    assert detail.photo_thumbnail_key is not None
    assert store.exists(detail.photo_thumbnail_key)


def test_a_photo_without_alt_text_or_of_the_wrong_type_stores_nothing(
    db: Engine, store: LocalStore
) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    with pytest.raises(InvalidFields, match="alt text"):
        catalogue.set_photo(db, store, EDITOR, pid, jpeg(), "me.jpg", " ")
    with pytest.raises(InvalidInput):
        catalogue.set_photo(db, store, EDITOR, pid, PDF, "me.jpg", "A photo")
    assert count(db, MediaAsset) == 0
    assert not any(store.root.rglob("*.jpg")) if store.root.exists() else True


def test_consent_with_proof_keeps_its_fingerprint(db: Engine, store: LocalStore) -> None:
    import hashlib

    pid = catalogue.create_role_model(db, EDITOR, profile())
    cid = consent.record_consent(
        db, store, EDITOR, pid, consent_form(TODAY), Proof("signed.pdf", PDF)
    )
    with pytest.raises(PermissionDenied):
        consent.read_proof(db, store, EDITOR, cid)
    name, content_type, data = consent.read_proof(db, store, PRIVACY, cid)
    assert (name, content_type, data) == ("signed.pdf", "application/pdf", PDF)
    view = consent.consents_of(db, EDITOR, pid, TODAY, 30)[0]
    assert view.proof_sha256 == hashlib.sha256(PDF).hexdigest()
    assert consent.may_use(db, pid, "video", "instagram", "organic", TODAY).allowed


def test_a_proof_that_is_not_a_pdf_or_image_is_refused_and_nothing_saved(
    db: Engine, store: LocalStore
) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    with pytest.raises(InvalidInput, match="PDF, a JPEG or a PNG"):
        consent.record_consent(
            db, store, EDITOR, pid, consent_form(TODAY), Proof("form.docx", b"PK\x03\x04 docx")
        )
    assert count(db, ConsentRecord) == 0


def test_a_store_failure_while_saving_a_proof_leaves_no_consent(
    db: Engine, store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())

    def broken(*args: object, **kwargs: object) -> object:
        raise StorageError("The media store cannot be reached right now; nothing was saved.")

    monkeypatch.setattr(store, "put_bytes", broken)
    with pytest.raises(StorageError):
        consent.record_consent(db, store, EDITOR, pid, consent_form(TODAY), Proof("p.pdf", PDF))
    assert count(db, ConsentRecord) == 0


def test_withdrawal_takes_effect_everywhere_in_one_action(db: Engine, store: LocalStore) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    catalogue.set_photo(db, store, EDITOR, pid, jpeg(), "me.jpg", "Amina at her desk.")
    consent.record_consent(db, store, EDITOR, pid, consent_form(TODAY), Proof("p.pdf", PDF))
    with transaction(db) as session:
        session.add(
            Appearance(
                role_model_id=pid,
                featured_on=TODAY - timedelta(days=20),
                channel="instagram",
                title="Amina's story",
                url="https://social.example.org/p/1",
            )
        )
    result = consent.withdraw_consent(db, EDITOR, pid, TODAY, "e-mail", "Stop everything")
    assert (result.consents_withdrawn, result.media_flagged, result.takedowns_listed) == (1, 1, 1)
    decision = consent.may_use(db, pid, "video", "instagram", "organic", TODAY + timedelta(days=1))
    assert not decision.allowed
    assert decision.reason.startswith("The consent was withdrawn on")
    assert catalogue.get_role_model(db, EDITOR, pid).photo_do_not_use
    tasks = consent.open_takedowns(db, EDITOR)
    assert tasks[0].url == "https://social.example.org/p/1"
    assert "Amina's story" in tasks[0].description
    card = catalogue.search_role_models(db, EDITOR, CatalogueFilter(), TODAY, 30).cards[0]
    assert card.consent_status is ConsentStatus.WITHDRAWN
    assert card.thumbnail_key is None
    assert audit.list_events(db, ADMIN, action="withdraw_consent")[0].changes["media_flagged"] == 1
    consent.mark_takedown_done(db, EDITOR, tasks[0].id)
    assert consent.open_takedowns(db, EDITOR) == []


def test_withdrawal_needs_the_request_channel(db: Engine) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    with pytest.raises(InvalidInput, match="how the person asked"):
        consent.withdraw_consent(db, EDITOR, pid, TODAY, " ")


def test_search_filters_combine(db: Engine, store: LocalStore) -> None:
    amina = catalogue.create_role_model(db, EDITOR, profile())
    karim = catalogue.create_role_model(
        db,
        EDITOR,
        profile(
            "Karim Mansour",
            kind="instructor",
            categories=("career_changer",),
            barriers=("age",),
            programmes=("Data analyst",),
            bio="Changed careers at 47.",
            tags=("interview",),
        ),
    )
    consent.record_consent(db, store, EDITOR, karim, consent_form(TODAY), Proof("p.pdf", PDF))

    def ids(**kwargs: object) -> list[int]:
        result = catalogue.search_role_models(db, EDITOR, CatalogueFilter(**kwargs), TODAY, 30)  # type: ignore[arg-type]
        return [c.id for c in result.cards]

    assert ids() == [amina, karim]
    assert ids(text="careers at 47") == [karim]
    assert ids(text="INTERVIEW") == [karim]
    assert ids(kinds=("instructor",)) == [karim]
    assert ids(categories=("woman_in_tech",)) == [amina]
    assert ids(barriers=("age",), programmes=("Data analyst",)) == [karim]
    assert ids(consent_statuses=(ConsentStatus.VALID,)) == [karim]
    assert ids(consent_statuses=(ConsentStatus.NONE,)) == [amina]
    assert ids(not_featured_for_months=6) == [amina, karim]


def test_expiring_consents_come_with_contact_and_a_ready_message(
    db: Engine, store: LocalStore
) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile(preferred_name="Mina"))
    consent.record_consent(
        db,
        store,
        EDITOR,
        pid,
        consent_form(TODAY, expires_on=TODAY + timedelta(days=12)),
        Proof("p.pdf", PDF),
    )
    renewals = consent.expiring_consents(db, EDITOR, TODAY, 30)
    assert [r.email for r in renewals] == ["amina.diallo@example.org"]
    assert renewals[0].message.startswith("Hello Mina,")
    assert "no consequences" in renewals[0].message
    assert renewals[0].mailto.startswith("mailto:amina.diallo@example.org?subject=")
    assert consent.expiring_consents(db, EDITOR, TODAY, 5) == []


def test_a_draft_consent_counts_once_its_proof_is_attached(db: Engine, store: LocalStore) -> None:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    cid = consent.record_consent(db, store, EDITOR, pid, consent_form(TODAY), None)
    assert not consent.may_use(db, pid, "video", "instagram", "organic", TODAY).allowed
    consent.attach_proof(
        db, store, EDITOR, cid, Proof("signed.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    )
    assert consent.may_use(db, pid, "video", "instagram", "organic", TODAY).allowed
    assert consent.consents_of(db, EDITOR, pid, TODAY, 30)[0].proof_filename == "signed.png"


def test_a_second_editor_saving_an_old_copy_of_a_profile_is_refused(db: Engine) -> None:
    from campaigns.errors import Conflict

    person_id = catalogue.create_role_model(db, EDITOR, profile())
    shown = catalogue.get_role_model(db, EDITOR, person_id).profile
    opened = catalogue.opened_profile(shown)
    catalogue.update_role_model(db, EDITOR, person_id, replace(shown, bio="First."), opened)
    with pytest.raises(Conflict, match="Someone else saved this profile"):
        catalogue.update_role_model(db, EDITOR, person_id, replace(shown, bio="Second."), opened)
    assert catalogue.get_role_model(db, EDITOR, person_id).profile.bio == "First."
