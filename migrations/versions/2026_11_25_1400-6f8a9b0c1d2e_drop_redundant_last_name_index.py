"""invitee: drop ix_invitee_event_last_name, a prefix of ix_invitee_event_name_search

Revision ID: 6f8a9b0c1d2e
Revises: 5e7f1a2b3c4d
Create Date: 2026-11-25 14:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '6f8a9b0c1d2e'
down_revision = '5e7f1a2b3c4d'
branch_labels = None
depends_on = None


def upgrade():
    # (event_id, last_name, first_name, email, organisation) answers everything
    # (event_id, last_name) did; keeping both only made every insert write one more index.
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.drop_index('ix_invitee_event_last_name')


def downgrade():
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.create_index('ix_invitee_event_last_name', ['event_id', 'last_name'],
                              unique=False)
