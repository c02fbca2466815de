"""photo removals: a criterion taken off a competition or a judge's appointment ended, kept so
that a removal sent again is told it was done, and an id never the competition's is not

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("photo_removals",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("competition_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("removed_id", sa.Integer(), nullable=False),
    sa.Column("removed_by_id", sa.Integer(), nullable=True),
    sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["competition_id"], ["photo_competitions.id"], name=op.f("fk_photo_removals_competition_id_photo_competitions"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"], name=op.f("fk_photo_removals_removed_by_id_users"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_photo_removals"))
    )
    with op.batch_alter_table("photo_removals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_removals_competition_id"), ["competition_id"], unique=False)


def downgrade():
    with op.batch_alter_table("photo_removals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_removals_competition_id"))

    op.drop_table("photo_removals")
