"""unowned events to the admins: every admin becomes an owner of each event without a team

Events made on the command line had no owner and were visible to every organiser; from now
on an event without members is visible to admins only. So that nobody loses sight of one,
every admin (active or not) becomes an owner of each event that has no member yet. Without
an admin, such events stay without a team, seen by admins only (`rsvp event share` gives
them one).

Revision ID: b2c3d4e5f6a7
Revises: a1c2e3f4a5b6
Create Date: 2026-12-02 07:10:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'b2c3d4e5f6a7'
down_revision = 'a1c2e3f4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    now = sa.bindparam("now", datetime.now(UTC), type_=rsvp.dbtypes.UTCDateTime(timezone=True))
    op.get_bind().execute(sa.text(
        "INSERT INTO event_member (event_id, organiser_id, role, created_at) "
        "SELECT event.id, organiser.id, 'owner', :now FROM event CROSS JOIN organiser "
        "WHERE organiser.is_admin = :admin AND NOT EXISTS "
        "(SELECT 1 FROM event_member WHERE event_member.event_id = event.id)"
    ).bindparams(now, sa.bindparam("admin", True, type_=sa.Boolean())))


def downgrade():
    # Nothing to undo in the schema; the owners given stay, which the older rule (unowned
    # events visible to everyone, members to their team) reads just as well.
    pass
