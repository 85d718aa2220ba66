"""planned sends and their runs

Revision ID: f5a1b2c3d4e5
Revises: f2a1b2c3d4e5
Create Date: 2026-12-02 02:00:45.501881

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'f5a1b2c3d4e5'
down_revision = 'f2a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('planned_send',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('save-the-date', 'invitation', 'reminder', 'confirmation', 'update', 'waitlisted', 'promoted', 'cancellation', 'withdrawal', name='planned_send_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=True),
    sa.Column('tag', sa.String(length=100), nullable=True),
    sa.Column('at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('anchor', sa.Enum('deadline', 'start', 'end', name='planned_send_anchor', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('offset_seconds', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=500), server_default='', nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('state', sa.Enum('planned', 'running', 'done', 'missed', 'cancelled', name='planned_send_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('settled_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(at IS NULL) <> (anchor IS NULL)', name=op.f('ck_planned_send_at_or_anchor')),
    sa.CheckConstraint('anchor IS NULL OR offset_seconds IS NOT NULL', name=op.f('ck_planned_send_anchor_offset')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_planned_send_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_send'))
    )
    with op.batch_alter_table('planned_send', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_send_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_send_state'), ['state'], unique=False)

    op.create_table('plan_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('planned_send_id', sa.Integer(), nullable=False),
    sa.Column('started_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('queued', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['planned_send_id'], ['planned_send.id'], name=op.f('fk_plan_run_planned_send_id_planned_send'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_run'))
    )
    with op.batch_alter_table('plan_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_run_planned_send_id'), ['planned_send_id'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_run_planned_send_id'))

    op.drop_table('plan_run')
    with op.batch_alter_table('planned_send', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planned_send_state'))
        batch_op.drop_index(batch_op.f('ix_planned_send_event_id'))

    op.drop_table('planned_send')
