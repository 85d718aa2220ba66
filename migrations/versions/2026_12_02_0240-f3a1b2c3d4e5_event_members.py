"""event teams: one role per organiser and event

Revision ID: f3a1b2c3d4e5
Revises: f4a1b2c3d4e5
Create Date: 2026-12-02 02:40:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'f3a1b2c3d4e5'
down_revision = 'f4a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=12), nullable=False),
        sa.Column('created_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer', 'checkin')",
                           name=op.f('ck_event_member_role')),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE',
                                name=op.f('fk_event_member_event_id_event')),
        sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], ondelete='CASCADE',
                                name=op.f('fk_event_member_organiser_id_organiser')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_member')),
        sa.UniqueConstraint('event_id', 'organiser_id', name=op.f('uq_event_member_event_id_organiser_id')),
    )
    op.create_index(op.f('ix_event_member_event_id'), 'event_member', ['event_id'])
    op.create_index(op.f('ix_event_member_organiser_id'), 'event_member', ['organiser_id'])
    # Today's owners become owner members; Event.owner_id stays for now (the CLI's actor).
    op.execute("INSERT INTO event_member (event_id, organiser_id, role, created_at) "
               "SELECT id, owner_id, 'owner', created_at FROM event WHERE owner_id IS NOT NULL")


def downgrade():
    op.drop_index(op.f('ix_event_member_organiser_id'), table_name='event_member')
    op.drop_index(op.f('ix_event_member_event_id'), table_name='event_member')
    op.drop_table('event_member')
