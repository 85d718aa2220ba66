"""forwarded invitations: event.link_policy, response.substitute_name/email

Revision ID: ad4b8f3e5c6d
Revises: 9c3a7e2f4d5b
Create Date: 2026-11-25 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ad4b8f3e5c6d'
down_revision = '9c3a7e2f4d5b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_policy', sa.String(length=12), server_default='personal', nullable=False))
        batch_op.create_check_constraint(op.f('ck_event_known_link_policy'),
                                         sa.text("link_policy IN ('personal', 'transferable')"))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('substitute_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('substitute_email', sa.String(length=320), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('substitute_email')
        batch_op.drop_column('substitute_name')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_known_link_policy'), type_='check')
        batch_op.drop_column('link_policy')
