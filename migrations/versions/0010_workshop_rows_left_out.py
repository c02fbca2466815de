"""workshop rows left out: each imported sheet counts the rows of its file it left out, as
imported before or with problems

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshop_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows_repeated", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rows_with_problems", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("workshop_imports", schema=None) as batch_op:
        batch_op.drop_column("rows_with_problems")
        batch_op.drop_column("rows_repeated")
