"""Tables of Spotlight (SQLAlchemy 2 typed models), one module per area."""

from campaigns.models.accounts import AuditEvent, User
from campaigns.models.applications import Application, ApplicationImport, InstructorCount
from campaigns.models.catalogue import (
    Appearance,
    ConsentRecord,
    MediaAsset,
    Quote,
    RoleModel,
    RoleModelLabel,
    TakedownTask,
)
from campaigns.models.engagement import (
    AccountMetricDaily,
    MetricImport,
    PostMetricDaily,
    PostMetricSnapshot,
    SavedMapping,
    UnmatchedMetricRow,
)
from campaigns.models.planning import Campaign, ChannelAccount, Post, PostPerson
from campaigns.models.portraits import Portrait, PortraitPerson, PortraitVersion

__all__ = [
    "AccountMetricDaily",
    "Appearance",
    "Application",
    "ApplicationImport",
    "AuditEvent",
    "Campaign",
    "ChannelAccount",
    "ConsentRecord",
    "InstructorCount",
    "MediaAsset",
    "MetricImport",
    "Portrait",
    "PortraitPerson",
    "PortraitVersion",
    "Post",
    "PostMetricDaily",
    "PostMetricSnapshot",
    "PostPerson",
    "Quote",
    "RoleModel",
    "RoleModelLabel",
    "SavedMapping",
    "TakedownTask",
    "UnmatchedMetricRow",
    "User",
]
