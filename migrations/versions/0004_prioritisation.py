"""Priorities, portfolio targets and regional prioritisation: endorsements and challenges of a
proposal's priorities, a programme's target shares, weighted criteria and scores, and proposals
that depend on others.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:42:06.614716

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight >= 0 AND weight <= 100', name=op.f('ck_criterion_weight_percent')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_criterion_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('programme_id', 'name', name='uq_criterion_programme_name')
    )
    op.create_table('programme_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('share >= 0 AND share <= 100', name=op.f('ck_programme_target_share_percent')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_target_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_programme_target_sector_id_sector'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_target')),
    sa.UniqueConstraint('programme_id', 'sector_id', name='uq_programme_target_programme_sector')
    )
    with op.batch_alter_table('programme_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_target_sector_id'), ['sector_id'], unique=False)

    op.create_table('criterion_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('scorer_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 10', name=op.f('ck_criterion_score_score_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_criterion_score_criterion_id_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_criterion_score_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scorer_id'], ['user.id'], name=op.f('fk_criterion_score_scorer_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_score')),
    sa.UniqueConstraint('proposal_id', 'criterion_id', 'scorer_id', name='uq_criterion_score_proposal_criterion_scorer')
    )
    with op.batch_alter_table('criterion_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_score_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_criterion_score_scorer_id'), ['scorer_id'], unique=False)

    op.create_table('proposal_dependency',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('depends_on_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('proposal_id <> depends_on_id', name=op.f('ck_proposal_dependency_not_itself')),
    sa.ForeignKeyConstraint(['depends_on_id'], ['proposal.id'], name=op.f('fk_proposal_dependency_depends_on_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_dependency_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'depends_on_id', name=op.f('pk_proposal_dependency'))
    )
    with op.batch_alter_table('proposal_dependency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_dependency_depends_on_id'), ['depends_on_id'], unique=False)

    op.create_table('priority_stance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('endorse', 'challenge', name='stancekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['user.id'], name=op.f('fk_priority_stance_expert_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_id'], ['sector_priority.id'], name=op.f('fk_priority_stance_priority_id_sector_priority'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['user.id'], name=op.f('fk_priority_stance_replied_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_stance')),
    sa.UniqueConstraint('priority_id', 'expert_id', name='uq_priority_stance_priority_expert')
    )
    with op.batch_alter_table('priority_stance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_stance_expert_id'), ['expert_id'], unique=False)

    # Existing priorities were last changed when they were made.
    with op.batch_alter_table('sector_priority', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contribution_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index(batch_op.f('ix_sector_priority_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sector_priority_contribution_id_contribution'), 'contribution', ['contribution_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE sector_priority SET updated_at = created_at")
    with op.batch_alter_table('sector_priority', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)



def downgrade():
    with op.batch_alter_table('sector_priority', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sector_priority_contribution_id_contribution'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sector_priority_contribution_id'))
        batch_op.drop_column('version')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('contribution_id')

    with op.batch_alter_table('priority_stance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_stance_expert_id'))

    op.drop_table('priority_stance')
    with op.batch_alter_table('proposal_dependency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_dependency_depends_on_id'))

    op.drop_table('proposal_dependency')
    with op.batch_alter_table('criterion_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_score_scorer_id'))
        batch_op.drop_index(batch_op.f('ix_criterion_score_criterion_id'))

    op.drop_table('criterion_score')
    with op.batch_alter_table('programme_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_target_sector_id'))

    op.drop_table('programme_target')
    op.drop_table('criterion')
