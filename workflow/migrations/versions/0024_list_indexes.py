"""lists: proposals of a municipality in id order

The lists of the web UI and the API page a municipality's proposals by id
(``WHERE municipality_id = :m AND id > :cursor ORDER BY id LIMIT n``). The index on
``municipality_id`` alone made PostgreSQL either walk the primary key and skip the other
municipalities' rows or fetch and sort all of the municipality's; ``(municipality_id, id)``
serves the first page with as many rows as it shows, and every query the old index served
(issue 14, docs/benchmarks-list-notes.md). SQLite keeps the rowid in each index entry, so it
ordered by id already; the index is the same there, for one schema on both databases.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_proposal_municipality_id_id", "proposal", ["municipality_id", "id"])
    op.drop_index("ix_proposal_municipality_id", table_name="proposal")


def downgrade() -> None:
    op.create_index("ix_proposal_municipality_id", "proposal", ["municipality_id"])
    op.drop_index("ix_proposal_municipality_id_id", table_name="proposal")
