"""Co-creation: contributions, responses, attachments, requests for input, expert sectors

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:06:54.071035

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_sector',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_expert_sector_sector_id_sector'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_expert_sector_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'sector_id', name=op.f('pk_expert_sector'))
    )
    with op.batch_alter_table('expert_sector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_sector_sector_id'), ['sector_id'], unique=False)

    op.create_table('contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('evidence', 'suggested_change', 'comment', 'risk', 'priority_recommendation', name='contributionkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'under_review', 'accepted', 'partly_accepted', 'declined', 'noted', 'withdrawn', name='contributionstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('suggested_text', sa.Text(), nullable=True),
    sa.Column('base_revision_number', sa.Integer(), nullable=True),
    sa.Column('declaration_of_interest', sa.Text(), nullable=False),
    sa.Column('show_organisation_type_only', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_contribution_author_id_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_contribution_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_contribution_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_contribution_section_id_section'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_contribution_sector_id_sector'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution'))
    )
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_contribution_proposal_created', ['proposal_id', 'created_at'], unique=False)
        batch_op.create_index('ix_contribution_proposal_status', ['proposal_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_section_id'), ['section_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_sector_id'), ['sector_id'], unique=False)

    op.create_table('input_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_input_request_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_input_request_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_input_request_section_id_section'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_input_request_sector_id_sector'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_input_request'))
    )
    with op.batch_alter_table('input_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_input_request_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_attachment_contribution_id_contribution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('contribution_edit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('suggested_text', sa.Text(), nullable=True),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_contribution_edit_contribution_id_contribution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_edit'))
    )
    with op.batch_alter_table('contribution_edit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_edit_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('contribution_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('submitted', 'under_review', 'accepted', 'partly_accepted', 'declined', 'noted', 'withdrawn', name='contributionstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('responder_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_contribution_response_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responder_id'], ['user.id'], name=op.f('fk_contribution_response_responder_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['section_revision.id'], name=op.f('fk_contribution_response_revision_id_section_revision'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_response')),
    sa.UniqueConstraint('contribution_id', name=op.f('uq_contribution_response_contribution_id'))
    )
    op.create_table('input_request_recipient',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['input_request.id'], name=op.f('fk_input_request_recipient_request_id_input_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_input_request_recipient_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'user_id', name=op.f('pk_input_request_recipient'))
    )
    with op.batch_alter_table('input_request_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_input_request_recipient_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('input_request_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_input_request_recipient_user_id'))

    op.drop_table('input_request_recipient')
    op.drop_table('contribution_response')
    with op.batch_alter_table('contribution_edit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_edit_contribution_id'))

    op.drop_table('contribution_edit')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_contribution_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('input_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_input_request_proposal_id'))

    op.drop_table('input_request')
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_sector_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_section_id'))
        batch_op.drop_index('ix_contribution_proposal_status')
        batch_op.drop_index('ix_contribution_proposal_created')
        batch_op.drop_index(batch_op.f('ix_contribution_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_author_id'))

    op.drop_table('contribution')
    with op.batch_alter_table('expert_sector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_sector_sector_id'))

    op.drop_table('expert_sector')
