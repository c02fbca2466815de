"""privacy: equalities answers under a pseudonym, residents' rights requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "equalities_responses",
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=32), nullable=True),
        sa.Column("sex", sa.String(length=32), nullable=True),
        sa.Column("gender_identity", sa.String(length=32), nullable=True),
        sa.Column("disability", sa.String(length=32), nullable=True),
        sa.Column("ethnic_group", sa.String(length=32), nullable=True),
        sa.Column("religion", sa.String(length=32), nullable=True),
        sa.Column("sexual_orientation", sa.String(length=32), nullable=True),
        sa.Column("carer", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_equalities_responses_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_equalities_responses")),
    )
    with op.batch_alter_table("equalities_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_equalities_responses_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_for", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_rights_requests_token_hash")),
    )


def downgrade():
    op.drop_table("rights_requests")
    with op.batch_alter_table("equalities_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equalities_responses_consultation_id"))
    op.drop_table("equalities_responses")
