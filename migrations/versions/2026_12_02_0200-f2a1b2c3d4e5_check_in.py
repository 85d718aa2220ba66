"""check-in at the door: one row per check-in, undo kept, one standing check-in per person

Revision ID: f2a1b2c3d4e5
Revises: e6f7a8b9c0d1
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'f2a1b2c3d4e5'
down_revision = 'e6f7a8b9c0d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitee_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('guests', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('undone_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_via', sa.String(length=10), server_default='', nullable=False),
    sa.CheckConstraint('guests >= 0', name=op.f('ck_check_in_guests_not_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_check_in_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitee_id'], ['invitee.id'], name=op.f('fk_check_in_invitee_id_invitee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_check_in_organiser_id_organiser'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['organiser.id'], name=op.f('fk_check_in_undone_by_id_organiser'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in'))
    )
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.create_index('ix_check_in_event_time', ['event_id', 'checked_in_at'], unique=False)
        batch_op.create_index('uq_check_in_standing', ['invitee_id'], unique=True,
                              sqlite_where=sa.text('undone_at IS NULL'),
                              postgresql_where=sa.text('undone_at IS NULL'))


def downgrade():
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_index('uq_check_in_standing')
        batch_op.drop_index('ix_check_in_event_time')

    op.drop_table('check_in')
