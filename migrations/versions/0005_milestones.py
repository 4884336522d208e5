"""Milestones and timelines: programme and proposal milestones with owners, dates and states,
the milestones each depends on, secret calendar feeds, and the reminders already sent.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:35:23.068735

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('eoi_deadline', 'full_proposal_deadline', 'assessment_closes', 'panel_date', 'announcement', 'internal', 'board', 'gateway', 'delivery', name='milestonekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('not_started', 'in_progress', 'done', 'blocked', name='milestonestate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("(proposal_id IS NULL AND kind IN ('announcement', 'assessment_closes', 'eoi_deadline', 'full_proposal_deadline', 'panel_date')) OR (proposal_id IS NOT NULL AND kind NOT IN ('announcement', 'assessment_closes', 'eoi_deadline', 'full_proposal_deadline', 'panel_date'))", name=op.f('ck_milestone_kind_fits_level')),
    sa.CheckConstraint("(state = 'done' AND done_on IS NOT NULL) OR (state <> 'done' AND done_on IS NULL)", name=op.f('ck_milestone_done_has_date')),
    sa.CheckConstraint('starts_on IS NULL OR starts_on <= due_on', name=op.f('ck_milestone_start_before_due')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_milestone_owner_id_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_milestone_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_milestone_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_milestone_programme_due', ['programme_id', 'due_on'], unique=False)
        batch_op.create_index('ix_milestone_proposal_due', ['proposal_id', 'due_on'], unique=False)

    op.create_table('milestone_dependency',
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('depends_on_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('milestone_id <> depends_on_id', name=op.f('ck_milestone_dependency_not_itself')),
    sa.ForeignKeyConstraint(['depends_on_id'], ['milestone.id'], name=op.f('fk_milestone_dependency_depends_on_id_milestone'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_milestone_dependency_milestone_id_milestone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('milestone_id', 'depends_on_id', name=op.f('pk_milestone_dependency'))
    )
    with op.batch_alter_table('milestone_dependency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_dependency_depends_on_id'), ['depends_on_id'], unique=False)

    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('week_before', 'day_before', 'overdue', name='reminderkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_reminder_sent_milestone_id_milestone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    sa.UniqueConstraint('milestone_id', 'kind', 'due_on', name='uq_reminder_sent_milestone_kind_due')
    )

    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_calendar_feed_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_calendar_feed_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_user_id'))

    op.drop_table('calendar_feed')

    op.drop_table('reminder_sent')
    with op.batch_alter_table('milestone_dependency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_dependency_depends_on_id'))

    op.drop_table('milestone_dependency')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_proposal_due')
        batch_op.drop_index('ix_milestone_programme_due')
        batch_op.drop_index(batch_op.f('ix_milestone_owner_id'))

    op.drop_table('milestone')
