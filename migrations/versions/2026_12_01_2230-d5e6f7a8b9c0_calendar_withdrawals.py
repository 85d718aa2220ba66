"""calendar withdrawals: message kind 'withdrawal' with its kept calendar file, and
invitee.calendar_withdrawals for the SEQUENCE of a person's calendar files

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None

OLD_KINDS = ("'save-the-date', 'invitation', 'reminder', 'confirmation', 'update', "
             "'waitlisted', 'promoted', 'cancellation'")
NEW_KINDS = OLD_KINDS + ", 'withdrawal'"


def _replace_kinds(kinds):
    for table in ('message', 'sent_test'):
        name = f'ck_{table}_{table}_kind'
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_='check')
            batch_op.create_check_constraint(op.f(name), sa.text(f"kind IN ({kinds})"))


def upgrade():
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_withdrawals', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_ics', sa.Text(), nullable=True))
    _replace_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM message WHERE kind = 'withdrawal'")
    op.execute("DELETE FROM sent_test WHERE kind = 'withdrawal'")
    _replace_kinds(OLD_KINDS)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('calendar_ics')
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.drop_column('calendar_withdrawals')
