"""held photos: a photo kept while its entry form is corrected

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("held_photos",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("competition_id", sa.Integer(), nullable=False),
    sa.Column("file_name", sa.String(length=255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("master_key", sa.String(length=80), nullable=False),
    sa.Column("master_type", sa.String(length=20), nullable=False),
    sa.Column("display_key", sa.String(length=80), nullable=False),
    sa.Column("thumb_key", sa.String(length=80), nullable=False),
    sa.Column("width", sa.Integer(), nullable=False),
    sa.Column("height", sa.Integer(), nullable=False),
    sa.Column("display_width", sa.Integer(), nullable=False),
    sa.Column("display_height", sa.Integer(), nullable=False),
    sa.Column("thumb_width", sa.Integer(), nullable=False),
    sa.Column("thumb_height", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["competition_id"], ["photo_competitions.id"], name=op.f("fk_held_photos_competition_id_photo_competitions"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_held_photos"))
    )
    with op.batch_alter_table("held_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_photos_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("held_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_photos_created_at"))

    op.drop_table("held_photos")
