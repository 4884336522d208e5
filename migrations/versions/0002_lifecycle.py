"""Lifecycle: sections, revisions, board review, submission, assessment, notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:04:27.954303

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('section_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('assessed', sa.Boolean(), nullable=False),
    sa.CheckConstraint('word_limit > 0', name=op.f('ck_section_template_word_limit_positive')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_section_template_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_template')),
    sa.UniqueConstraint('programme_id', 'key', name='uq_section_template_programme_key')
    )
    with op.batch_alter_table('section_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_template_programme_id'), ['programme_id'], unique=False)

    op.create_table('assessor_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('assessor_number', sa.Integer(), nullable=False),
    sa.Column('fund', sa.Boolean(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('assessor_number >= 1 AND assessor_number <= 5', name=op.f('ck_assessor_review_assessor_number')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_assessor_review_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_assessor_review_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessor_review')),
    sa.UniqueConstraint('proposal_id', 'assessor_number', name='uq_assessor_review_proposal_number')
    )
    with op.batch_alter_table('assessor_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessor_review_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('clarification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_on', sa.Date(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_clarification_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_clarification_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clarification'))
    )
    with op.batch_alter_table('clarification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clarification_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('follow',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('owner', 'assignee', 'board', 'chosen', name='followreason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_follow_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_follow_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'proposal_id', name=op.f('pk_follow'))
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('funded', 'not_funded', name='outcomeresult', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_outcome_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_outcome_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_outcome_proposal_id'))
    )
    op.create_table('review_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_review_round_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_round')),
    sa.UniqueConstraint('proposal_id', 'number', name='uq_review_round_proposal_number')
    )
    with op.batch_alter_table('review_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_round_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('assessed', sa.Boolean(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('not_started', 'in_progress', 'complete', name='sectionstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('word_limit > 0', name=op.f('ck_section_word_limit_positive')),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_section_assignee_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_section_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section')),
    sa.UniqueConstraint('proposal_id', 'key', name='uq_section_proposal_key')
    )
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_section_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('sector_priority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_sector_priority_rank_positive')),
    sa.CheckConstraint('share >= 0 AND share <= 100', name=op.f('ck_sector_priority_share_percent')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_sector_priority_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_sector_priority_sector_id_sector'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector_priority')),
    sa.UniqueConstraint('proposal_id', 'sector_id', name='uq_sector_priority_proposal_sector')
    )
    with op.batch_alter_table('sector_priority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sector_priority_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sector_priority_sector_id'), ['sector_id'], unique=False)

    op.create_table('submitted_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_submitted_version_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_submitted_version_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submitted_version')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_submitted_version_proposal_id'))
    )
    op.create_table('assessor_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 10', name=op.f('ck_assessor_score_score_range')),
    sa.ForeignKeyConstraint(['review_id'], ['assessor_review.id'], name=op.f('fk_assessor_score_review_id_assessor_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessor_score')),
    sa.UniqueConstraint('review_id', 'section_key', name='uq_assessor_score_review_section')
    )
    with op.batch_alter_table('assessor_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessor_score_review_id'), ['review_id'], unique=False)

    op.create_table('board_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('endorse', 'endorse_with_conditions', 'request_changes', name='boarddecisionkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_board_decision_member_id_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['review_round.id'], name=op.f('fk_board_decision_round_id_review_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_decision')),
    sa.UniqueConstraint('round_id', 'member_id', name='uq_board_decision_round_member')
    )
    with op.batch_alter_table('board_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_decision_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_decision_round_id'), ['round_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_notification_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_notification_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('section_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_section_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_section_revision_section_id_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_revision')),
    sa.UniqueConstraint('section_id', 'number', name='uq_section_revision_section_number')
    )
    with op.batch_alter_table('section_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_revision_section_id'), ['section_id'], unique=False)

    op.create_table('submitted_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submitted_version_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['section_revision.id'], name=op.f('fk_submitted_section_revision_id_section_revision'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_submitted_section_section_id_section'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_version_id'], ['submitted_version.id'], name=op.f('fk_submitted_section_submitted_version_id_submitted_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submitted_section'))
    )
    with op.batch_alter_table('submitted_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submitted_section_submitted_version_id'), ['submitted_version_id'], unique=False)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('input_closes_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('stage_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE proposal SET stage_changed_at = updated_at")
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.alter_column(
            'stage_changed_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )
    _give_existing_proposals_their_sections()


# The default section template at the time of this migration (DOMAIN.md); copied here so the
# migration does not depend on application code that may change later.
DEFAULT_SECTIONS = (
    ("summary", "Summary", False),
    ("need", "Need or challenge", True),
    ("approach", "Approach and innovation", True),
    ("team", "Team and resources", True),
    ("market", "Market awareness", True),
    ("outcomes", "Outcomes and route to market", True),
    ("wider_impacts", "Wider impacts", True),
    ("project_management", "Project management", True),
    ("risks", "Risks", True),
    ("additionality", "Additionality", True),
    ("costs", "Costs and value for money", True),
    ("co_creation", "Co-creation", False),
)


def _give_existing_proposals_their_sections():
    """Programmes made before sections existed get the default template; their proposals get
    empty sections from it."""
    bind = op.get_bind()
    template = sa.table(
        'section_template', sa.column('programme_id'), sa.column('key'), sa.column('title'),
        sa.column('position'), sa.column('word_limit'), sa.column('required'),
        sa.column('assessed'),
    )
    section = sa.table(
        'section', sa.column('proposal_id'), sa.column('key'), sa.column('title'),
        sa.column('position'), sa.column('word_limit'), sa.column('required'),
        sa.column('assessed'), sa.column('state'), sa.column('text'), sa.column('word_count'),
        sa.column('revision_number'), sa.column('updated_at'), sa.column('version'),
    )
    programme_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM programme"))]
    rows = [
        {"programme_id": pid, "key": key, "title": title, "position": position,
         "word_limit": 400, "required": True, "assessed": assessed}
        for pid in programme_ids
        for position, (key, title, assessed) in enumerate(DEFAULT_SECTIONS, start=1)
    ]
    if rows:
        op.bulk_insert(template, rows)
    proposals = bind.execute(sa.text("SELECT id, updated_at FROM proposal")).all()
    rows = [
        {"proposal_id": pid, "key": key, "title": title, "position": position,
         "word_limit": 400, "required": True, "assessed": assessed, "state": "not_started",
         "text": "", "word_count": 0, "revision_number": 0, "updated_at": updated_at,
         "version": 1}
        for pid, updated_at in proposals
        for position, (key, title, assessed) in enumerate(DEFAULT_SECTIONS, start=1)
    ]
    if rows:
        op.bulk_insert(section, rows)



def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('stage_changed_at')
        batch_op.drop_column('input_closes_on')

    with op.batch_alter_table('submitted_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submitted_section_submitted_version_id'))

    op.drop_table('submitted_section')
    with op.batch_alter_table('section_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_revision_section_id'))

    op.drop_table('section_revision')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index('ix_notification_user_created')

    op.drop_table('notification')
    with op.batch_alter_table('board_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_decision_round_id'))
        batch_op.drop_index(batch_op.f('ix_board_decision_member_id'))

    op.drop_table('board_decision')
    with op.batch_alter_table('assessor_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessor_score_review_id'))

    op.drop_table('assessor_score')
    op.drop_table('submitted_version')
    with op.batch_alter_table('sector_priority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sector_priority_sector_id'))
        batch_op.drop_index(batch_op.f('ix_sector_priority_proposal_id'))

    op.drop_table('sector_priority')
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_section_assignee_id'))

    op.drop_table('section')
    with op.batch_alter_table('review_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_round_proposal_id'))

    op.drop_table('review_round')
    op.drop_table('outcome')
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_proposal_id'))

    op.drop_table('follow')
    with op.batch_alter_table('clarification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clarification_proposal_id'))

    op.drop_table('clarification')
    with op.batch_alter_table('assessor_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessor_review_proposal_id'))

    op.drop_table('assessor_review')
    with op.batch_alter_table('section_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_template_programme_id'))

    op.drop_table('section_template')
