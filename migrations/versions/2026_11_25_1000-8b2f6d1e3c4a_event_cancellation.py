"""event cancellation: event.cancelled_at, message kind 'cancellation'

Revision ID: 8b2f6d1e3c4a
Revises: 7a1e5c0d2b9f
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = '8b2f6d1e3c4a'
down_revision = '7a1e5c0d2b9f'
branch_labels = None
depends_on = None

OLD_KINDS = ("'save-the-date', 'invitation', 'reminder', 'confirmation', 'update', "
             "'waitlisted', 'promoted'")
NEW_KINDS = OLD_KINDS + ", 'cancellation'"


def _replace_kinds(kinds):
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_message_message_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_message_message_kind'),
                                         sa.text(f"kind IN ({kinds})"))


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True))
    _replace_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM message WHERE kind = 'cancellation'")
    _replace_kinds(OLD_KINDS)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
