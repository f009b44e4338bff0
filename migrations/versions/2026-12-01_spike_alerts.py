"""spike alerts: alert_rule, alert, alert_subscription, alert_receipt; mention (sort_at, term_id, status) index

Revision ID: spike1
Revises: bounce1
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op


revision = "spike1"
down_revision = "bounce1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('target', sa.String(length=40), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=True),
    sa.Column('group', sa.String(length=16), nullable=True),
    sa.Column('factor', sa.Float(), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('window_hours', sa.Integer(), nullable=False),
    sa.Column('baseline_weeks', sa.Integer(), nullable=False),
    sa.Column('cooldown_hours', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('armed_at', sa.DateTime(), nullable=False),
    sa.Column('last_fired_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['watch_term.id'], name=op.f('fk_alert_rule_term_id_watch_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_rule')),
    sa.UniqueConstraint('kind', 'target', name='uq_alert_rule_kind_target')
    )
    with op.batch_alter_table('alert_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_rule_term_id'), ['term_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('fired_at', sa.DateTime(), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('article_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['alert_rule.id'], name=op.f('fk_alert_rule_id_alert_rule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('rule_id', 'fired_at', name='uq_alert_rule_fired')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_fired_at'), ['fired_at'], unique=False)

    op.create_table('alert_subscription',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['alert_rule.id'], name=op.f('fk_alert_subscription_rule_id_alert_rule'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_alert_subscription_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'rule_id', name=op.f('pk_alert_subscription'))
    )
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_subscription_rule_id'), ['rule_id'], unique=False)

    op.create_table('alert_receipt',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('dismissed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_receipt_alert_id_alert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_alert_receipt_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alert_id', 'user_id', name=op.f('pk_alert_receipt'))
    )
    with op.batch_alter_table('alert_receipt', schema=None) as batch_op:
        batch_op.create_index('ix_alert_receipt_status', ['status'], unique=False)
        batch_op.create_index('ix_alert_receipt_user_dismissed', ['user_id', 'dismissed_at'], unique=False)

    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index('ix_mention_sort_term_status', ['sort_at', 'term_id', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index('ix_mention_sort_term_status')

    with op.batch_alter_table('alert_receipt', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_receipt_user_dismissed')
        batch_op.drop_index('ix_alert_receipt_status')

    op.drop_table('alert_receipt')
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscription_rule_id'))

    op.drop_table('alert_subscription')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_fired_at'))

    op.drop_table('alert')
    with op.batch_alter_table('alert_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_rule_term_id'))

    op.drop_table('alert_rule')
