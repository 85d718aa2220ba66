"""messages name the planned-send run that queued them

Revision ID: e5f6a7b8c9d0
Revises: f3a1b2c3d4e5
Create Date: 2026-12-02 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'f3a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_run_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_message_plan_run_id'), ['plan_run_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_message_plan_run_id_plan_run'), 'plan_run',
                                    ['plan_run_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_plan_run_id_plan_run'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_message_plan_run_id'))
        batch_op.drop_column('plan_run_id')
