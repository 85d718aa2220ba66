"""update_round_translation: an update round's subject and text in more languages

Revision ID: e0c1253caed8
Revises: 6f8a9b0c1d2e
Create Date: 2026-11-25 14:05:30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e0c1253caed8'
down_revision = '6f8a9b0c1d2e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('update_round_translation',
    sa.Column('update_round_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.CheckConstraint("language IN ('de', 'en')", name=op.f('ck_update_round_translation_known_language')),
    sa.ForeignKeyConstraint(['update_round_id'], ['update_round.id'], name=op.f('fk_update_round_translation_update_round_id_update_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_round_id', 'language', name=op.f('pk_update_round_translation'))
    )


def downgrade():
    op.drop_table('update_round_translation')
