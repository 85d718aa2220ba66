"""registration questions: questions, options, typed answers, guests' names, answer history

Revision ID: a1c2e3f4a5b6
Revises: f3a1b2c3d4e5
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'a1c2e3f4a5b6'
down_revision = 'f3a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=12), nullable=False),
    sa.Column('label_de', sa.String(length=500), nullable=False),
    sa.Column('label_en', sa.String(length=500), nullable=False),
    sa.Column('help_de', sa.Text(), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('ask', sa.String(length=10), nullable=False),
    sa.Column('per_person', sa.Boolean(), nullable=False),
    sa.Column('show_at_checkin', sa.Boolean(), nullable=False),
    sa.Column('show_if_question_id', sa.Integer(), nullable=True),
    sa.Column('show_if_equals', sa.String(length=40), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('min_number', sa.Integer(), nullable=True),
    sa.Column('max_number', sa.Integer(), nullable=True),
    sa.Column('max_length', sa.Integer(), nullable=True),
    sa.Column('min_date', sa.Date(), nullable=True),
    sa.Column('max_date', sa.Date(), nullable=True),
    sa.Column('consent_de', sa.Text(), nullable=False),
    sa.Column('consent_en', sa.Text(), nullable=False),
    sa.Column('created_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("ask IN ('accepted', 'always')", name=op.f('ck_question_known_ask')),
    sa.CheckConstraint("type IN ('text', 'textarea', 'number', 'choice', 'multichoice', 'yesno', 'consent', 'date')", name=op.f('ck_question_known_type')),
    sa.CheckConstraint('max_length IS NULL OR max_length > 0', name=op.f('ck_question_max_length_positive')),
    sa.CheckConstraint('min_date IS NULL OR max_date IS NULL OR min_date <= max_date', name=op.f('ck_question_date_range')),
    sa.CheckConstraint('min_number IS NULL OR max_number IS NULL OR min_number <= max_number', name=op.f('ck_question_number_range')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_question_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['show_if_question_id'], ['question.id'], name=op.f('fk_question_show_if_question_id_question'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_question_event_id_key'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_event_id'), ['event_id'], unique=False)

    op.create_table('guest_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitee_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.CheckConstraint('position >= 1', name=op.f('ck_guest_name_position_positive')),
    sa.ForeignKeyConstraint(['invitee_id'], ['invitee.id'], name=op.f('fk_guest_name_invitee_id_invitee'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_name')),
    sa.UniqueConstraint('invitee_id', 'position', name=op.f('uq_guest_name_invitee_id_position'))
    )
    with op.batch_alter_table('guest_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_name_invitee_id'), ['invitee_id'], unique=False)

    op.create_table('question_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitee_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.Integer(), nullable=False),
    sa.Column('text_value', sa.Text(), nullable=True),
    sa.Column('number_value', sa.Integer(), nullable=True),
    sa.Column('date_value', sa.Date(), nullable=True),
    sa.Column('bool_value', sa.Boolean(), nullable=True),
    sa.Column('answered_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('person >= 0', name=op.f('ck_question_answer_person_not_negative')),
    sa.ForeignKeyConstraint(['invitee_id'], ['invitee.id'], name=op.f('fk_question_answer_invitee_id_invitee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_answer_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answer')),
    sa.UniqueConstraint('invitee_id', 'question_id', 'person', name=op.f('uq_question_answer_invitee_id_question_id_person'))
    )
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answer_invitee_id'), ['invitee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_answer_question_id'), ['question_id'], unique=False)

    op.create_table('question_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label_de', sa.String(length=500), nullable=False),
    sa.Column('label_en', sa.String(length=500), nullable=False),
    sa.Column('place_limit', sa.Integer(), nullable=True),
    sa.CheckConstraint('place_limit IS NULL OR place_limit > 0', name=op.f('ck_question_option_limit_positive')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_option_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_option')),
    sa.UniqueConstraint('question_id', 'key', name=op.f('uq_question_option_question_id_key'))
    )
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_option_question_id'), ['question_id'], unique=False)

    op.create_table('answer_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('person', sa.Integer(), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.CheckConstraint('person >= 0', name=op.f('ck_answer_change_person_not_negative')),
    sa.ForeignKeyConstraint(['change_id'], ['response_change.id'], name=op.f('fk_answer_change_change_id_response_change'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_change'))
    )
    with op.batch_alter_table('answer_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_change_change_id'), ['change_id'], unique=False)

    op.create_table('answer_option',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['question_answer.id'], name=op.f('fk_answer_option_answer_id_question_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['question_option.id'], name=op.f('fk_answer_option_option_id_question_option'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'option_id', name=op.f('pk_answer_option'))
    )
    with op.batch_alter_table('answer_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_option_option_id'), ['option_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_names', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('guest_names')

    with op.batch_alter_table('answer_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_option_option_id'))

    op.drop_table('answer_option')
    with op.batch_alter_table('answer_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_change_change_id'))

    op.drop_table('answer_change')
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_option_question_id'))

    op.drop_table('question_option')
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_answer_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_answer_invitee_id'))

    op.drop_table('question_answer')
    with op.batch_alter_table('guest_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_name_invitee_id'))

    op.drop_table('guest_name')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_event_id'))

    op.drop_table('question')
