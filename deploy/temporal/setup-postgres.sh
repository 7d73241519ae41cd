#!/bin/sh
# Creates the Temporal and visibility databases and brings their schemas up to date, with the schemas
# embedded in temporal-sql-tool. The same three steps `npm run cluster` runs (deploy/cluster/schema.ts);
# each is safe to repeat. Runs once in the admin-tools image before the server starts.
set -eu
: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
PORT="${DB_PORT:-5432}"

until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT"
  sleep 2
done

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) schema=postgresql/v12/temporal ;;
    *) schema=postgresql/v12/visibility ;;
  esac
  # The password comes from SQL_PASSWORD in the environment.
  sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" --db "$db" "$@"; }
  sql create-database 2>/dev/null || echo "database $db already exists"
  sql setup-schema -v 0.0
  sql update-schema --schema-name "$schema"
done
echo "PostgreSQL schemas are ready"
