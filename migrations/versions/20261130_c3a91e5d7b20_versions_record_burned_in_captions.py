"""versions record burned-in captions

Revision ID: c3a91e5d7b20
Revises: b7c4e2d91a05
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3a91e5d7b20"
down_revision = "b7c4e2d91a05"
branch_labels = None
depends_on = None

BURN_PRESETS = (
    "instagram_reels",
    "tiktok",
    "youtube_shorts",
    "instagram_feed_1x1",
    "instagram_feed_4x5",
)


def upgrade() -> None:
    with op.batch_alter_table("portrait_versions") as batch_op:
        batch_op.add_column(
            sa.Column("captions_burned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Versions rendered before this column: a burn-in preset rendered while its portrait had
    # captions carries them (what the render did then), which is the best knowledge there is.
    versions = sa.table(
        "portrait_versions",
        sa.column("portrait_id", sa.Integer()),
        sa.column("preset", sa.String()),
        sa.column("status", sa.String()),
        sa.column("captions_burned", sa.Boolean()),
    )
    portraits = sa.table(
        "portraits", sa.column("id", sa.Integer()), sa.column("captions_key", sa.String())
    )
    captioned = sa.select(portraits.c.id).where(portraits.c.captions_key.is_not(None))
    op.execute(
        versions.update()
        .where(
            versions.c.status == "done",
            versions.c.preset.in_(BURN_PRESETS),
            versions.c.portrait_id.in_(captioned),
        )
        .values(captions_burned=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("portrait_versions") as batch_op:
        batch_op.drop_column("captions_burned")
