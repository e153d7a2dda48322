"""The school's public inclusion targets and progress towards them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    """A public target: a minimum share of a population."""

    key: str
    label: str
    minimum_share: float


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """Where a target stands; share is None until data has been imported."""

    target: Target
    share: float | None
    population: int

    @property
    def met(self) -> bool | None:
        """True when the share reaches the target, None when nothing is known yet."""
        return None if self.share is None else self.share >= self.target.minimum_share


TARGETS: tuple[Target, ...] = (
    Target("women_students", "Women among students of tech programmes", 0.25),
    Target("women_instructors", "Women among tech instructors", 0.40),
    Target("priority_students", "Students from priority groups", 0.70),
)


def targets_progress() -> list[TargetProgress]:
    """Progress towards every target from what has been imported so far."""
    # Applications and enrolments are imported by a later capability; until then nothing is known.
    return [TargetProgress(target=target, share=None, population=0) for target in TARGETS]
