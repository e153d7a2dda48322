"""The Role models page, driven like a comms person would."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from campaigns import catalogue, consent
from campaigns.auth import Actor, Role
from campaigns.catalogue import CatalogueFilter
from campaigns.storage import LocalStore
from tests.app.conftest import open_app, texts
from tests.fixtures_people import PDF, jpeg, profile
from ui import state

PAGE = "pages/role_models.py"


def open_person(actor: Actor, person_id: int):  # type: ignore[no-untyped-def]
    at = open_app(actor, PAGE)
    at.button(key=f"role_models__open_{person_id}").click().run()
    assert not at.exception
    return at


def test_the_catalogue_lists_people_with_their_consent_status(admin: Actor, app_db: Engine) -> None:
    catalogue.create_role_model(app_db, admin, profile())
    at = open_app(admin, PAGE)
    assert not at.exception
    shown = texts(at)
    assert "Amina Diallo" in shown
    assert "1 person matches" in shown
    assert "No consent" in shown


def test_searching_narrows_the_cards(admin: Actor, app_db: Engine) -> None:
    catalogue.create_role_model(app_db, admin, profile())
    catalogue.create_role_model(app_db, admin, profile("Karim Mansour", bio="Retrained at 47."))
    at = open_app(admin, PAGE)
    at.text_input(key=state.ROLE_MODELS_TEXT).input("retrained").run()
    shown = texts(at)
    assert "Karim Mansour" in shown
    assert "Amina Diallo" not in shown


def test_editing_a_profile_with_a_bad_email_shows_the_field_error_and_keeps_the_old(
    admin: Actor, app_db: Engine
) -> None:
    pid = catalogue.create_role_model(app_db, admin, profile())
    at = open_person(admin, pid)
    at.text_input(key="role_models__edit__email").input("not an email")
    at.button(key="FormSubmitter:role_models__edit-Save the profile").click().run()
    assert "is not an e-mail address" in texts(at)
    assert catalogue.get_role_model(app_db, admin, pid).profile.email == "amina.diallo@example.org"


def test_recording_a_consent_with_a_proof_from_the_consent_tab(
    admin: Actor, app_db: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    pid = catalogue.create_role_model(app_db, admin, profile())
    at = open_person(admin, pid)
    at.multiselect(key="rm_c__channels").select("instagram")
    at.multiselect(key="rm_c__media").select("video")
    at.text_input(key="rm_c__version").input("Image rights v3")
    at.file_uploader(key="rm_c__proof").upload("signed.pdf", PDF, "application/pdf")
    at.button(key="FormSubmitter:role_models__consent-Save the consent").click().run()
    assert not at.exception
    assert "Consent recorded." in texts(at)
    views = consent.consents_of(app_db, admin, pid, date.today(), 30)
    assert views[0].has_proof
    assert views[0].channels == ("instagram",)


def test_a_consent_form_with_no_channel_says_so_and_records_nothing(
    admin: Actor, app_db: Engine
) -> None:
    pid = catalogue.create_role_model(app_db, admin, profile())
    at = open_person(admin, pid)
    at.text_input(key="rm_c__version").input("v3")
    at.button(key="FormSubmitter:role_models__consent-Save the consent").click().run()
    assert "Choose at least one of the channels" in texts(at)
    assert consent.consents_of(app_db, admin, pid, date.today(), 30) == []


def test_withdrawing_from_the_page_needs_confirmation_then_blocks_use(
    admin: Actor, app_db: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(tmp_path / "media")
    pid = catalogue.create_role_model(app_db, admin, profile())
    from tests.fixtures_people import consent_form

    consent.record_consent(
        app_db, store, admin, pid, consent_form(date.today()), consent.Proof("p.pdf", PDF)
    )
    at = open_person(admin, pid)
    at.text_input(key="rm_w__channel").input("e-mail")
    at.button(key="FormSubmitter:role_models__withdraw-Withdraw consent").click().run()
    assert "Tick the confirmation first." in texts(at)
    assert consent.may_use(app_db, pid, "video", "instagram", "organic", date.today()).allowed
    at.checkbox(key="rm_w__sure").check()
    at.button(key="FormSubmitter:role_models__withdraw-Withdraw consent").click().run()
    assert "Consent withdrawn: 1 consent record(s) closed" in texts(at)
    assert not consent.may_use(app_db, pid, "video", "instagram", "organic", date.today()).allowed


def test_uploading_a_photo_needs_alt_text_and_a_real_photo(admin: Actor, app_db: Engine) -> None:
    pid = catalogue.create_role_model(app_db, admin, profile())
    at = open_person(admin, pid)
    at.file_uploader(key="role_models__photo_file").upload("me.jpg", PDF, "image/jpeg")
    at.text_input(key="role_models__photo_alt").input("Amina at her desk")
    at.button(key="FormSubmitter:role_models__photo-Save the photo").click().run()
    assert "This file is not a photo we can read (it looks like a PDF document)." in texts(at)
    assert catalogue.get_role_model(app_db, admin, pid).photo_key is None
    at.file_uploader(key="role_models__photo_file").upload("me.jpg", jpeg(), "image/jpeg")
    at.text_input(key="role_models__photo_alt").input("Amina at her desk")
    at.button(key="FormSubmitter:role_models__photo-Save the photo").click().run()
    assert "Photo saved" in texts(at)
    assert catalogue.get_role_model(app_db, admin, pid).photo_alt_text == "Amina at her desk"


def test_an_editor_does_not_see_the_disability_details_field(
    person, app_db: Engine, admin: Actor
) -> None:  # type: ignore[no-untyped-def]
    editor = person(Role.EDITOR)
    pid = catalogue.create_role_model(app_db, admin, profile())
    at = open_person(editor, pid)
    labels = [w.label for w in at.text_area]
    assert "Disability details (special-category data)" not in labels
    at = open_person(admin, pid)
    assert "Disability details (special-category data)" in [w.label for w in at.text_area]


def test_representation_tab_shows_the_instructor_share(admin: Actor, app_db: Engine) -> None:
    catalogue.create_role_model(app_db, admin, profile(kind="instructor"))
    catalogue.create_role_model(
        app_db, admin, profile("Karim Mansour", kind="instructor", categories=())
    )
    at = open_app(admin, PAGE)
    metric = at.metric[0]
    assert metric.label == "Women among instructor role models"
    assert metric.value == "50%"
    assert (
        catalogue.search_role_models(app_db, admin, CatalogueFilter(), date.today(), 30).total == 2
    )


def test_import_previews_then_cancel_writes_nothing_then_import_writes_the_good_rows(
    admin: Actor, app_db: Engine
) -> None:
    from tests.fixtures_people import to_csv, two_hundred_people

    data = to_csv(two_hundred_people())
    at = open_app(admin, PAGE)
    at.file_uploader(key="role_models__import_0").upload("people.csv", data, "text/csv")
    at.run()
    assert not at.exception
    shown = texts(at) + " ".join(i.value for i in at.info)
    assert "195" in shown
    assert "5" in shown
    report = at.dataframe[-1].value
    assert list(report[report["What happens"] == "not imported"]["Line"]) == [12, 52, 92, 132, 172]
    at.button(key="role_models__import_cancel").click().run()
    assert "Import cancelled; nothing was saved." in texts(at)
    assert (
        catalogue.search_role_models(app_db, admin, CatalogueFilter(), date.today(), 30).total == 0
    )

    at.file_uploader(key="role_models__import_1").upload("people.csv", data, "text/csv")
    at.run()
    at.button(key="role_models__import_apply").click().run()
    assert not at.exception
    assert (
        catalogue.search_role_models(app_db, admin, CatalogueFilter(), date.today(), 30).total
        == 195
    )


def test_an_unreadable_import_file_is_one_sentence(admin: Actor) -> None:
    at = open_app(admin, PAGE)
    at.file_uploader(key="role_models__import_0").upload(
        "people.csv", b"\x89PNG\r\n\x1a\n", "text/csv"
    )
    at.run()
    assert not at.exception
    assert at.error[0].value.endswith(".")
    assert "Traceback" not in at.error[0].value


def test_a_privacy_officer_erases_a_person_after_a_dry_run_and_her_name(
    app_db: Engine,
    person,  # type: ignore[no-untyped-def]
) -> None:
    officer = person(Role.PRIVACY_OFFICER)
    person_id = catalogue.create_role_model(app_db, officer, profile())
    at = open_person(officer, person_id)
    at.button(key=f"role_models__erase_dry_{person_id}").click().run()
    assert not at.exception
    assert any("Would" in w.value or "would" in w.value for w in at.warning)
    erase = at.button(key=f"role_models__erase_{person_id}")
    assert erase.disabled  # until the full name is typed
    at.text_input(key=f"role_models__erase_name_{person_id}").input("Amina Diallo").run()
    at.button(key=f"role_models__erase_{person_id}").click().run()
    assert not at.exception
    listed = catalogue.search_role_models(app_db, officer, CatalogueFilter(), date.today(), 30)
    assert listed.total == 0


def test_an_editor_has_no_data_rights_tab(app_db: Engine, person) -> None:  # type: ignore[no-untyped-def]
    editor = person(Role.EDITOR)
    person_id = catalogue.create_role_model(app_db, editor, profile())
    at = open_person(editor, person_id)
    assert "Data rights" not in [tab.label for tab in at.tabs]


def test_saving_a_profile_someone_else_changed_meanwhile_is_refused(
    admin: Actor, app_db: Engine
) -> None:
    from dataclasses import replace

    pid = catalogue.create_role_model(app_db, admin, profile())
    at = open_person(admin, pid)
    other = catalogue.get_role_model(app_db, admin, pid).profile
    catalogue.update_role_model(app_db, admin, pid, replace(other, bio="Their words."))
    at.text_input(key="role_models__edit__email").input("new.address@example.org")
    at.button(key="FormSubmitter:role_models__edit-Save the profile").click().run()
    assert "Someone else saved this profile while you were editing it" in texts(at)
    kept = catalogue.get_role_model(app_db, admin, pid).profile
    assert (kept.bio, kept.email) == ("Their words.", "amina.diallo@example.org")
