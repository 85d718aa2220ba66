"""bounces: invitees marked bounced, messages that bounced

Revision ID: b0a1c2d3e4f5
Revises: accf7ac30100
Create Date: 2026-11-25 09:10:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'b0a1c2d3e4f5'
down_revision = 'accf7ac30100'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounced_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bounce_reason', sa.String(length=1000), server_default='', nullable=False))
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounced_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('bounced_at')
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.drop_column('bounce_reason')
        batch_op.drop_column('bounced_at')
