"""data retention: event.retention_days, purged_at, purged_counts

Revision ID: 9c3a7e2f4d5b
Revises: 8b2f6d1e3c4a
Create Date: 2026-11-25 10:10:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = '9c3a7e2f4d5b'
down_revision = '8b2f6d1e3c4a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), server_default='183', nullable=False))
        batch_op.add_column(sa.Column('purged_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('purged_counts', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_event_retention_not_negative'),
                                         sa.text('retention_days >= 0'))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_retention_not_negative'), type_='check')
        batch_op.drop_column('purged_counts')
        batch_op.drop_column('purged_at')
        batch_op.drop_column('retention_days')
