"""invitee search: the searched text as one indexed expression (SQLite)

Revision ID: 5e7f1a2b3c4d
Revises: 18c8c5d9197f
Create Date: 2026-11-25 12:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e7f1a2b3c4d'
down_revision = '18c8c5d9197f'
branch_labels = None
depends_on = None

# As rsvp.invitees.models.SQLITE_SEARCH_EXPRESSION at this revision.
EXPRESSION = "(email || ' ' || first_name || ' ' || last_name || ' ' || organisation)"


def upgrade():
    # PostgreSQL searches through its trigram index (ix_invitee_search) instead.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX ix_invitee_event_search_text ON invitee (event_id, {EXPRESSION})")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX ix_invitee_event_search_text")
