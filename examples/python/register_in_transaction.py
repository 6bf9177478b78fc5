#!/usr/bin/env python3
"""Register a Tidings event from Python, in the same transaction as a business write.

A service that shares Tidings' Postgres database calls the SQL entry point
<schema>.register_event(type, body, idempotency_key) inside its own
transaction: the business row and the event (with its webhook deliveries)
commit together, or roll back together. Only psycopg2 is needed
(Debian: apt-get install python3-psycopg2).

    DATABASE_URL=postgres://producer@localhost:5432/tidings \\
      python3 register_in_transaction.py --project-uuid "$(uuidgen)" --name demo [--rollback]

Prints the event's id as JSON. A body its type refuses raises SQLSTATE 22023
with the bad fields as JSON in DETAIL: printed, exit status 2.
"""
import argparse
import json
import os
import sys

import psycopg2
from psycopg2 import sql
from psycopg2.extras import Json

INVALID_PARAMETER_VALUE = "22023"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-uuid", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--rollback", action="store_true", help="roll the transaction back instead of committing it")
    args = parser.parse_args()
    schema = os.environ.get("TIDINGS_SCHEMA", "tidings")

    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    try:
        with conn.cursor() as cur:
            # The service's own business write (this example's table: projects(uuid, name)).
            cur.execute("INSERT INTO projects (uuid, name) VALUES (%s, %s)", (args.project_uuid, args.name))
            # The event, in the same transaction; the key makes a retry of this transaction return the same event.
            cur.execute(
                sql.SQL("SELECT {}.register_event(%s, %s, %s)").format(sql.Identifier(schema)),
                (
                    "project:created",
                    Json({"project": {"uuid": args.project_uuid, "name": args.name}}),
                    f"project:{args.project_uuid}:created",
                ),
            )
            event_id = cur.fetchone()[0]
        if args.rollback:
            conn.rollback()
        else:
            conn.commit()
    except psycopg2.Error as error:
        conn.rollback()
        if error.pgcode != INVALID_PARAMETER_VALUE:
            raise
        print(json.dumps({"error": error.diag.message_primary, "details": json.loads(error.diag.message_detail or "[]")}))
        return 2
    finally:
        conn.close()
    print(json.dumps({"id": event_id, "committed": not args.rollback}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
