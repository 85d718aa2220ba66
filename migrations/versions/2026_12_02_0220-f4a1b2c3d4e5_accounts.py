"""accounts: admins, two-factor login with recovery codes, mail to organisers

Revision ID: f4a1b2c3d4e5
Revises: f5a1b2c3d4e5
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'f4a1b2c3d4e5'
down_revision = 'f5a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_counter', sa.Integer(), nullable=True))
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=256), nullable=False),
        sa.Column('used_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'],
                                name=op.f('fk_recovery_code_organiser_id_organiser'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    )
    op.create_index(op.f('ix_recovery_code_organiser_id'), 'recovery_code', ['organiser_id'])
    op.create_table(
        'account_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('queued_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'],
                                name=op.f('fk_account_message_organiser_id_organiser'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_message')),
    )
    op.create_index(op.f('ix_account_message_organiser_id'), 'account_message',
                    ['organiser_id'])


def downgrade():
    op.drop_index(op.f('ix_account_message_organiser_id'), table_name='account_message')
    op.drop_table('account_message')
    op.drop_index(op.f('ix_recovery_code_organiser_id'), table_name='recovery_code')
    op.drop_table('recovery_code')
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('totp_last_counter')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('is_admin')
