"""Sensitive values never reach the audit trail."""

from campaigns.audit import REDACTED, redact


def test_sensitive_fields_are_redacted_at_any_depth() -> None:
    changes = {
        "email": "ada@school.example",
        "password": "correct horse battery",
        "profile": {"disability_details": "uses a wheelchair", "pronouns": "she/her"},
    }
    assert redact(changes) == {
        "email": "ada@school.example",
        "password": REDACTED,
        "profile": {"disability_details": REDACTED, "pronouns": "she/her"},
    }


def test_redaction_leaves_the_original_untouched() -> None:
    changes = {"phone": "+33 6 12 34 56 78"}
    redact(changes)
    assert changes == {"phone": "+33 6 12 34 56 78"}


def test_changes_read_as_words() -> None:
    from campaigns.audit import describe_changes

    text = describe_changes(
        {"bio": ["Old.", "New."], "channels": ["instagram", "linkedin"], "expires_on": ""}
    )
    assert text == "bio: Old. → New.; channels: instagram, linkedin; expires on: —"
