"""The consent rule: every status, scope mismatch, expiry on the post date, withdrawal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from campaigns.consent import (
    ConsentInput,
    ConsentStatus,
    ConsentTerms,
    decide,
    overall_status,
    validate_consent,
)

TODAY = date(2026, 11, 29)


def terms(**overrides: object) -> ConsentTerms:
    base: dict[str, object] = {
        "id": 1,
        "channels": frozenset({"instagram", "linkedin"}),
        "uses": frozenset({"organic"}),
        "media": frozenset({"video", "photo", "name"}),
        "valid_from": TODAY - timedelta(days=100),
        "expires_on": TODAY + timedelta(days=200),
    }
    base.update(overrides)
    return ConsentTerms(**base)  # type: ignore[arg-type]


def test_a_covering_valid_consent_allows_and_names_the_record() -> None:
    decision = decide([terms()], "video", "instagram", "organic", TODAY)
    assert decision.allowed
    assert decision.consent_id == 1


def test_no_consent_at_all_is_refused_with_the_reason() -> None:
    decision = decide([], "video", "instagram", "organic", TODAY)
    assert not decision.allowed
    assert decision.reason == "There is no consent on file for this person."


@pytest.mark.parametrize(
    ("media", "channel", "use", "missing"),
    [
        ("video", "tiktok", "organic", "video on TikTok for organic posts"),
        ("voice", "instagram", "organic", "voice on Instagram for organic posts"),
        ("video", "instagram", "paid", "video on Instagram for paid ads"),
    ],
)
def test_scope_mismatch_says_what_is_not_covered(
    media: str, channel: str, use: str, missing: str
) -> None:
    decision = decide([terms()], media, channel, use, TODAY)
    assert not decision.allowed
    assert decision.reason == f"No consent covers the {missing}."


def test_expiry_is_judged_on_the_post_date_not_today() -> None:
    record = terms(expires_on=TODAY + timedelta(days=10))
    assert decide([record], "video", "instagram", "organic", TODAY + timedelta(days=10)).allowed
    later = decide([record], "video", "instagram", "organic", TODAY + timedelta(days=11))
    assert not later.allowed
    assert "expired on 09 December 2026" in later.reason


def test_a_consent_not_yet_started_does_not_allow() -> None:
    record = terms(valid_from=TODAY + timedelta(days=3))
    decision = decide([record], "video", "instagram", "organic", TODAY)
    assert not decision.allowed
    assert "only starts on" in decision.reason


def test_withdrawal_blocks_from_its_date_but_not_before() -> None:
    record = terms(withdrawn_on=TODAY)
    assert decide([record], "video", "instagram", "organic", TODAY - timedelta(days=1)).allowed
    decision = decide([record], "video", "instagram", "organic", TODAY)
    assert not decision.allowed
    assert decision.reason == "The consent was withdrawn on 29 November 2026."


def test_withdrawal_outranks_an_expired_older_record() -> None:
    old = terms(id=1, expires_on=TODAY - timedelta(days=30))
    newer = terms(
        id=2, withdrawn_on=TODAY - timedelta(days=1), expires_on=TODAY + timedelta(days=9)
    )
    decision = decide([old, newer], "video", "instagram", "organic", TODAY)
    assert decision.reason.startswith("The consent was withdrawn")


def test_another_valid_record_still_allows_after_one_expired() -> None:
    old = terms(id=1, expires_on=TODAY - timedelta(days=30))
    renewed = terms(id=2, valid_from=TODAY - timedelta(days=29))
    decision = decide([old, renewed], "video", "instagram", "organic", TODAY)
    assert decision.allowed
    assert decision.consent_id == 2


def test_a_draft_without_proof_allows_nothing() -> None:
    decision = decide([terms(has_proof=False)], "video", "instagram", "organic", TODAY)
    assert not decision.allowed
    assert decision.reason == "The consent has no proof attached yet."


def test_a_minor_needs_the_guardian() -> None:
    decision = decide([terms(is_minor=True)], "video", "instagram", "organic", TODAY)
    assert not decision.allowed
    assert "guardian" in decision.reason
    assert decide([terms(is_minor=True, guardian="Parent")], "video", "instagram", "organic", TODAY)


def test_mentioning_a_disability_needs_the_explicit_special_category_consent() -> None:
    media = frozenset({"video", "disability_mention"})
    plain = terms(media=media)
    explicit = terms(media=media, special_category=True)
    refused = decide([plain], "disability_mention", "instagram", "organic", TODAY)
    assert not refused.allowed
    assert "explicit consent" in refused.reason
    assert decide([explicit], "disability_mention", "instagram", "organic", TODAY).allowed


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (terms(), ConsentStatus.VALID),
        (terms(expires_on=TODAY + timedelta(days=30)), ConsentStatus.EXPIRING_SOON),
        (terms(expires_on=TODAY + timedelta(days=31)), ConsentStatus.VALID),
        (terms(expires_on=TODAY - timedelta(days=1)), ConsentStatus.EXPIRED),
        (terms(withdrawn_on=TODAY), ConsentStatus.WITHDRAWN),
        (terms(has_proof=False), ConsentStatus.NONE),
        (terms(expires_on=None), ConsentStatus.VALID),
    ],
)
def test_every_status_of_a_record(record: ConsentTerms, expected: ConsentStatus) -> None:
    assert record.status_on(TODAY, warning_days=30) is expected


def test_a_persons_status_is_the_best_of_their_records() -> None:
    expired = terms(id=1, expires_on=TODAY - timedelta(days=1))
    withdrawn = terms(id=2, withdrawn_on=TODAY - timedelta(days=3))
    valid = terms(id=3)
    assert overall_status([], TODAY, 30) is ConsentStatus.NONE
    assert overall_status([expired], TODAY, 30) is ConsentStatus.EXPIRED
    assert overall_status([expired, withdrawn], TODAY, 30) is ConsentStatus.WITHDRAWN
    assert overall_status([expired, withdrawn, valid], TODAY, 30) is ConsentStatus.VALID


def test_status_per_scope_ignores_records_of_other_scopes() -> None:
    linkedin_only = terms(channels=frozenset({"linkedin"}))
    scope = ("video", "instagram", "organic")
    assert overall_status([linkedin_only], TODAY, 30, scope=scope) is ConsentStatus.NONE
    assert overall_status([terms()], TODAY, 30, scope=scope) is ConsentStatus.VALID


def consent_input(**overrides: object) -> ConsentInput:
    base: dict[str, object] = {
        "channels": ("instagram",),
        "uses": ("organic",),
        "media": ("video",),
        "signed_on": TODAY,
        "valid_from": TODAY,
        "expires_on": TODAY + timedelta(days=365),
        "text_version": "v3",
        "collected_by": "Comms",
        "method": "e-form",
    }
    base.update(overrides)
    return ConsentInput(**base)  # type: ignore[arg-type]


def test_a_complete_consent_form_has_no_problem() -> None:
    assert validate_consent(consent_input()) == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channels": ()}, "channels"),
        ({"media": ("smell",)}, "media"),
        ({"valid_from": TODAY - timedelta(days=1)}, "valid_from"),
        ({"expires_on": TODAY}, "expires_on"),
        ({"text_version": " "}, "text_version"),
        ({"method": "telepathy"}, "method"),
        ({"media": ("disability_mention",)}, "special_category"),
        ({"special_category": True}, "special_category_wording"),
        ({"is_minor": True}, "guardian"),
    ],
)
def test_each_consent_form_problem_is_named(overrides: dict[str, object], field: str) -> None:
    assert field in validate_consent(consent_input(**overrides))
