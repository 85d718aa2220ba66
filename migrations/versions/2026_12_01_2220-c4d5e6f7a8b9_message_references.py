"""message references: response_change_id and update_round_id instead of text in dedup_key

Confirmations named their answer as "confirmation:<id>", updates their round as
"update:<id>", in dedup_key: the database could neither check nor cascade them. Both become
foreign keys; dedup_key keeps only the kind of a once-only message. The unique constraints
keep each message from being queued twice. A reference to a row that is gone becomes NULL.

Revision ID: c4d5e6f7a8b9
Revises: b7d2e4f6a8c1
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None

#: (text prefix, new column, referenced table)
REFERENCES = (('confirmation:', 'response_change_id', 'response_change'),
              ('update:', 'update_round_id', 'update_round'))


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        for _prefix, column, table in REFERENCES:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_message_{column}_{table}'), table,
                                        [column], ['id'], ondelete='SET NULL')
    for prefix, column, table in REFERENCES:
        _text_to_reference(prefix, column, table)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_message_response_change_invitee',
                                          ['response_change_id', 'invitee_id'])
        batch_op.create_unique_constraint('uq_message_update_round_invitee',
                                          ['update_round_id', 'invitee_id'])
        batch_op.create_check_constraint(op.f('ck_message_dedup_key_is_kind'),
                                         sa.text('dedup_key IS NULL OR dedup_key = kind'))


def _text_to_reference(prefix, column, table):
    """Parse "<prefix><id>" into ``column`` where that row still exists; clear the text."""
    start = len(prefix) + 1
    op.execute(sa.text(
        f"UPDATE message SET {column} = (SELECT t.id FROM {table} t WHERE t.id = "
        f"CAST(substr(message.dedup_key, {start}) AS INTEGER)) "
        f"WHERE dedup_key LIKE '{prefix}%'"))
    op.execute(sa.text(f"UPDATE message SET dedup_key = NULL WHERE dedup_key LIKE '{prefix}%'"))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_message_dedup_key_is_kind'), type_='check')
        batch_op.drop_constraint('uq_message_update_round_invitee', type_='unique')
        batch_op.drop_constraint('uq_message_response_change_invitee', type_='unique')
    for prefix, column, _table in REFERENCES:
        op.execute(sa.text(
            f"UPDATE message SET dedup_key = '{prefix}' || CAST({column} AS VARCHAR(20)) "
            f"WHERE {column} IS NOT NULL"))
    with op.batch_alter_table('message', schema=None) as batch_op:
        for _prefix, column, table in REFERENCES:
            batch_op.drop_constraint(batch_op.f(f'fk_message_{column}_{table}'),
                                     type_='foreignkey')
            batch_op.drop_column(column)
