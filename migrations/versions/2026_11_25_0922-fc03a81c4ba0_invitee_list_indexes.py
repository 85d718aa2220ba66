"""invitee list indexes: sorting by organisation, and trigram search on PostgreSQL

Revision ID: fc03a81c4ba0
Revises: b0a1c2d3e4f5
Create Date: 2026-11-25 09:22:23.015346

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fc03a81c4ba0'
down_revision = 'b0a1c2d3e4f5'
branch_labels = None
depends_on = None

# Must stay the expression of rsvp.invitees.models.search_text for the index to be used.
SEARCH_EXPRESSION = (
    "((((((email::text || ' '::text) || first_name::text) || ' '::text) "
    "|| last_name::text) || ' '::text) || organisation::text)"
)


def upgrade():
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.create_index('ix_invitee_event_organisation', ['event_id', 'organisation'],
                              unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_invitee_search ON invitee USING gin "
                   f"({SEARCH_EXPRESSION} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_invitee_search")
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.drop_index('ix_invitee_event_organisation')
