"""form submissions: one-time keys of forms that send mail or create something

Revision ID: b7d2e4f6a8c1
Revises: c7d8e9f0a1b2
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = 'c7d8e9f0a1b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('result_url', sa.String(length=2000), server_default='', nullable=False),
    sa.Column('created_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_form_submission_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_form_submission'))
    )
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submission_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submission_created_at'))

    op.drop_table('form_submission')
