"""Prints the CREATE statements ``create_all`` runs for a node's tables: the fixtures of old schemas.

git archive 5cce269 | tar -x -C /tmp/old
PYTHONPATH=/tmp/old python scripts/schema_sql.py central sqlite \\
    > tests/fixtures/schema_5cce269/central.sqlite.sql
"""

from __future__ import annotations

import argparse
import importlib

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable

# The modules whose import registers a node's tables (the central's branch tables are on its metadata).
MODULES = {
    "central": ["central.storage.schema", "central.branches.schema"],
    "branch": ["branch_node.storage.schema"],
}
DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.dialect(),  # type: ignore[no-untyped-call]
}


def schema_sql(node: str, dialect: Dialect) -> str:
    """The statements that make ``node``'s tables and indexes, in foreign-key order."""
    modules = [importlib.import_module(name) for name in MODULES[node]]
    metadata: MetaData = modules[0].metadata
    statements = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        statements += [
            str(CreateIndex(index).compile(dialect=dialect)).strip()
            for index in sorted(table.indexes, key=lambda index: str(index.name))
        ]
    return "".join(f"{statement};\n\n" for statement in statements)


def main() -> None:
    """Prints the statements for the node and dialect named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("node", choices=sorted(MODULES))
    parser.add_argument("dialect", choices=sorted(DIALECTS))
    args = parser.parse_args()
    print(schema_sql(args.node, DIALECTS[args.dialect]), end="")


if __name__ == "__main__":
    main()
