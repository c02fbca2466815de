"""theme mentions: the further themes an entry raises besides its own

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("run_themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("also_raised", sa.Integer(), nullable=False, server_default="0"))

    op.create_table("theme_mentions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=False),
    sa.Column("assignment_id", sa.Integer(), nullable=False),
    sa.Column("theme_id", sa.Integer(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(["assignment_id"], ["theme_assignments.id"], name=op.f("fk_theme_mentions_assignment_id_theme_assignments"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["run_id"], ["analysis_runs.id"], name=op.f("fk_theme_mentions_run_id_analysis_runs"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["theme_id"], ["run_themes.id"], name=op.f("fk_theme_mentions_theme_id_run_themes"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_mentions")),
    sa.UniqueConstraint("assignment_id", "theme_id", name="uq_theme_mentions_theme")
    )
    with op.batch_alter_table("theme_mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_mentions_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index("ix_theme_mentions_run_theme", ["run_id", "theme_id", "score"], unique=False)


def downgrade():
    with op.batch_alter_table("theme_mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_theme_mentions_run_theme")
        batch_op.drop_index(batch_op.f("ix_theme_mentions_assignment_id"))

    op.drop_table("theme_mentions")
    with op.batch_alter_table("run_themes", schema=None) as batch_op:
        batch_op.drop_column("also_raised")
