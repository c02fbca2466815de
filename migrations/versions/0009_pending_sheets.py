"""pending sheets: uploaded workshop sheets wait for their import in the database, not on one
server's disk

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("pending_sheets",
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("filename", sa.String(length=255), nullable=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("sha256", name=op.f("pk_pending_sheets"))
    )


def downgrade():
    op.drop_table("pending_sheets")
