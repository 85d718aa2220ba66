"""waiting list: answer 'waitlisted' with its queue time, actor 'system', kinds waitlisted/promoted

Revision ID: 7a1e5c0d2b9f
Revises: fc03a81c4ba0
Create Date: 2026-11-25 09:35:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = '7a1e5c0d2b9f'
down_revision = 'fc03a81c4ba0'
branch_labels = None
depends_on = None

OLD_ANSWERS = "'accepted', 'declined'"
NEW_ANSWERS = "'accepted', 'declined', 'waitlisted'"
OLD_KINDS = "'save-the-date', 'invitation', 'reminder', 'confirmation', 'update'"
NEW_KINDS = OLD_KINDS + ", 'waitlisted', 'promoted'"


def _replace_check(batch_op, name, condition):
    batch_op.drop_constraint(op.f(name), type_='check')
    batch_op.create_check_constraint(op.f(name), sa.text(condition))


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlisted_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True))
        _replace_check(batch_op, 'ck_response_answer', f"answer IN ({NEW_ANSWERS})")
        batch_op.create_check_constraint(
            op.f('ck_response_waitlisted_has_queue_time'),
            sa.text("(answer = 'waitlisted') = (waitlisted_at IS NOT NULL)"))
        batch_op.create_index('ix_response_event_waitlist', ['event_id', 'waitlisted_at'], unique=False)
    with op.batch_alter_table('response_change', schema=None) as batch_op:
        _replace_check(batch_op, 'ck_response_change_old_answer', f"old_answer IN ({NEW_ANSWERS})")
        _replace_check(batch_op, 'ck_response_change_new_answer', f"new_answer IN ({NEW_ANSWERS})")
        _replace_check(batch_op, 'ck_response_change_actor',
                       "actor IN ('invitee', 'organiser', 'system')")
    with op.batch_alter_table('message', schema=None) as batch_op:
        _replace_check(batch_op, 'ck_message_message_kind', f"kind IN ({NEW_KINDS})")


def downgrade():
    # Waiting people become acceptances: the closest answer the old schema can hold.
    op.execute("UPDATE response SET answer = 'accepted' WHERE answer = 'waitlisted'")
    op.execute("UPDATE response_change SET new_answer = 'accepted' WHERE new_answer = 'waitlisted'")
    op.execute("UPDATE response_change SET old_answer = 'accepted' WHERE old_answer = 'waitlisted'")
    op.execute("UPDATE response_change SET actor = 'organiser' WHERE actor = 'system'")
    op.execute("DELETE FROM message WHERE kind IN ('waitlisted', 'promoted')")
    with op.batch_alter_table('message', schema=None) as batch_op:
        _replace_check(batch_op, 'ck_message_message_kind', f"kind IN ({OLD_KINDS})")
    with op.batch_alter_table('response_change', schema=None) as batch_op:
        _replace_check(batch_op, 'ck_response_change_actor', "actor IN ('invitee', 'organiser')")
        _replace_check(batch_op, 'ck_response_change_new_answer', f"new_answer IN ({OLD_ANSWERS})")
        _replace_check(batch_op, 'ck_response_change_old_answer', f"old_answer IN ({OLD_ANSWERS})")
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_event_waitlist')
        batch_op.drop_constraint(op.f('ck_response_waitlisted_has_queue_time'), type_='check')
        _replace_check(batch_op, 'ck_response_answer', f"answer IN ({OLD_ANSWERS})")
        batch_op.drop_column('waitlisted_at')
