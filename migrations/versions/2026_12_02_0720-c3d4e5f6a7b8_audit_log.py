"""the audit log: organiser actions, append-only

Revision ID: c3d4e5f6a7b8
Revises: b2c3d4e5f6a7
Create Date: 2026-12-02 07:20:00

"""
from alembic import op
import sqlalchemy as sa

import rsvp.dbtypes


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = "b2c3d4e5f6a7"
branch_labels = None
depends_on = None

# The guard as rsvp.audit.models has it today (copied: a migration must not change later).
POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit entries are append-only';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.at IS DISTINCT FROM OLD.at
     OR NEW.action IS DISTINCT FROM OLD.action OR NEW.via IS DISTINCT FROM OLD.via
     OR NEW.actor_label IS DISTINCT FROM OLD.actor_label
     OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL)
     OR (NEW.event_id IS DISTINCT FROM OLD.event_id AND NEW.event_id IS NOT NULL)
     OR (NEW.invitee_id IS DISTINCT FROM OLD.invitee_id AND NEW.invitee_id IS NOT NULL)
     OR (NEW.remote_addr IS DISTINCT FROM OLD.remote_addr AND NEW.remote_addr IS NOT NULL)
     OR NOT (NEW.details::jsonb <@ OLD.details::jsonb) THEN
    RAISE EXCEPTION 'audit entries are append-only: only personal data may be removed';
  END IF;
  RETURN NEW;
END $$
"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()")
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry WHEN "
    "NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action "
    "OR NEW.via IS NOT OLD.via OR NEW.actor_label IS NOT OLD.actor_label "
    "OR (NEW.actor_id IS NOT OLD.actor_id AND NEW.actor_id IS NOT NULL) "
    "OR (NEW.event_id IS NOT OLD.event_id AND NEW.event_id IS NOT NULL) "
    "OR (NEW.invitee_id IS NOT OLD.invitee_id AND NEW.invitee_id IS NOT NULL) "
    "OR (NEW.remote_addr IS NOT OLD.remote_addr AND NEW.remote_addr IS NOT NULL) "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
)


def upgrade():
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', rsvp.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=320), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('invitee_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('remote_addr', sa.String(length=45), nullable=True),
        sa.Column('via', sa.String(length=3), nullable=False),
        sa.CheckConstraint("via IN ('web', 'cli')", name=op.f('ck_audit_entry_known_via')),
        sa.ForeignKeyConstraint(['actor_id'], ['organiser.id'], ondelete='SET NULL',
                                name=op.f('fk_audit_entry_actor_id_organiser')),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='SET NULL',
                                name=op.f('fk_audit_entry_event_id_event')),
        sa.ForeignKeyConstraint(['invitee_id'], ['invitee.id'], ondelete='SET NULL',
                                name=op.f('fk_audit_entry_invitee_id_invitee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    for column in ('at', 'actor_id', 'event_id', 'invitee_id'):
        op.create_index(op.f(f'ix_audit_entry_{column}'), 'audit_entry', [column])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_GUARD)
        op.execute(POSTGRES_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    for column in ('invitee_id', 'event_id', 'actor_id', 'at'):
        op.drop_index(op.f(f'ix_audit_entry_{column}'), table_name='audit_entry')
    op.drop_table('audit_entry')
