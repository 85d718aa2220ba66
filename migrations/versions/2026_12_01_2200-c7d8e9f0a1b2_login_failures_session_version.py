"""login_failure: failed logins counted for every worker; organiser.session_version

Revision ID: c7d8e9f0a1b2
Revises: e0c1253caed8
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'c7d8e9f0a1b2'
down_revision = 'e0c1253caed8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    op.create_index('ix_login_failure_address_at', 'login_failure', ['address', 'at'])
    op.create_index('ix_login_failure_client_at', 'login_failure', ['client', 'at'])
    op.create_index('ix_login_failure_at', 'login_failure', ['at'])
    with op.batch_alter_table('organiser') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('organiser') as batch_op:
        batch_op.drop_column('session_version')
    op.drop_index('ix_login_failure_at', table_name='login_failure')
    op.drop_index('ix_login_failure_client_at', table_name='login_failure')
    op.drop_index('ix_login_failure_address_at', table_name='login_failure')
    op.drop_table('login_failure')
