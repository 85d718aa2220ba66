"""own texts for every kind an invitee receives: waitlisted, promoted, cancellation too

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-01 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6f7a8b9c0d1'
down_revision = 'd5e6f7a8b9c0'
branch_labels = None
depends_on = None

OLD_KINDS = "'save-the-date', 'invitation', 'reminder', 'confirmation'"
NEW_KINDS = OLD_KINDS + ", 'waitlisted', 'promoted', 'cancellation'"
NAME = 'ck_template_override_overridable_kind'


def _replace_kinds(kinds):
    with op.batch_alter_table('template_override', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(op.f(NAME), sa.text(f"kind IN ({kinds})"))


def upgrade():
    _replace_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM template_override "
               "WHERE kind IN ('waitlisted', 'promoted', 'cancellation')")
    _replace_kinds(OLD_KINDS)
