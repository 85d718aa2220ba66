"""event texts per language: title, subtitle and description in the other languages

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('subtitle', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.CheckConstraint("language IN ('de', 'en')",
                           name=op.f('ck_event_text_known_language')),
        sa.CheckConstraint("title <> '' OR subtitle <> '' OR description <> ''",
                           name=op.f('ck_event_text_not_empty')),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE',
                                name=op.f('fk_event_text_event_id_event')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_text')),
        sa.UniqueConstraint('event_id', 'language', name=op.f('uq_event_text_event_id_language')),
    )
    op.create_index(op.f('ix_event_text_event_id'), 'event_text', ['event_id'])


def downgrade():
    op.drop_index(op.f('ix_event_text_event_id'), table_name='event_text')
    op.drop_table('event_text')
