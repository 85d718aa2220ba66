"""invitee search: an index holding every searched column (read instead of rows on SQLite)

Revision ID: 3d9e1b7c5a20
Revises: ad4b8f3e5c6d
Create Date: 2026-11-25 10:08:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3d9e1b7c5a20'
down_revision = 'ad4b8f3e5c6d'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite reads it instead of the rows when searching; both use it to sort by name.
    op.create_index('ix_invitee_event_name_search', 'invitee',
                    ['event_id', 'last_name', 'first_name', 'email', 'organisation'])


def downgrade():
    op.drop_index('ix_invitee_event_name_search', table_name='invitee')
