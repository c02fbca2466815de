"""photo reports: a visitor can send a published photo back to the moderators

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photo_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("photo_entries", schema=None) as batch_op:
        batch_op.drop_column("reported_at")
