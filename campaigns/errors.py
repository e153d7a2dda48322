"""Errors a person using Spotlight can read: every message is a full sentence for a comms team."""

from __future__ import annotations

from collections.abc import Iterable

from campaigns.i18n import Msg


class SpotlightError(Exception):
    """Something the user can act on; the message is shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(SpotlightError):
    """What the user typed or uploaded cannot be accepted."""


class NotFound(SpotlightError):
    """The thing asked for does not exist (any more)."""


class Conflict(SpotlightError):
    """The change clashes with data that already exists."""


class PermissionDenied(SpotlightError):
    """The signed-in person's role does not allow this action."""


class SignInFailed(SpotlightError):
    """The e-mail or password is wrong, or the account is disabled."""


class ConfigurationError(SpotlightError):
    """A setting is wrong; Spotlight cannot start until it is fixed."""


class StorageError(SpotlightError):
    """The media store could not be reached or refused the operation."""


class DatabaseNotReady(SpotlightError):
    """The database has not been created or upgraded yet."""


class InvalidFields(InvalidInput):
    """A form has problems; `fields` maps each field name to its sentence."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(joined_sentences(fields.values()))
        self.fields = fields


def joined_sentences(sentences: Iterable[str]) -> str:
    """Sentences side by side, each still translatable where the whole is shown."""
    parts = {f"sentence_{index}": sentence for index, sentence in enumerate(sentences)}
    # A template of placeholders only: there are no words of its own to translate.
    return Msg(" ".join("{" + name + "}" for name in parts), **parts)
