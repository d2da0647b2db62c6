"""Database triggers that change ContentVersion whenever public content changes.

The watched tables are those of every model in WATCHED_APPS (many-to-many tables included),
except the history of past versions, which the public never sees.
A model added to these apps later is watched as soon as `migrate` runs. The version changes
with every writing statement, so even a page rendered in the middle of a transaction is never
served after the next write. On PostgreSQL one statement-level trigger per table takes the
next value of a sequence (sequences never go back, even when a transaction is rolled back);
on SQLite, which only has row triggers, three row triggers per table set a random 64-bit
version. Both also record when the version changed, never earlier than the time already recorded,
for the Last-Modified date of public pages.
"""

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from simple_history.models import HistoricalChanges

from .models import ContentVersion

# Visitors' correction suggestions (the corrections app) are read only in the admin, so a new one
# must not empty the cache: that app is not watched.
WATCHED_APPS = ("sources", "departments", "statelaw", "practices")

TRIGGER = "pagecache_bump"
VERSION_TABLE = ContentVersion._meta.db_table

SEQUENCE = f"{TRIGGER}_seq"
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {VERSION_TABLE} (id, version, changed) VALUES (1, nextval('{SEQUENCE}'), clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version,
        changed = GREATEST({VERSION_TABLE}.changed, EXCLUDED.changed);
    RETURN NULL;
END
$$
"""
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")
# UTC, in the text form Django stores datetimes in on SQLite (so that max() compares them rightly).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def watched_tables():
    tables = set()
    for app_label in WATCHED_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            opts = model._meta
            if opts.managed and not opts.proxy and not is_history(model):
                tables.add(opts.db_table)
    return tables


def is_history(model):
    """django-simple-history's copies of past versions: the admin reads them, the public never does."""
    return issubclass(model, HistoricalChanges)


def installed_triggers(connection):
    """The tables that carry our trigger now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s AND pg_table_is_visible(c.oid)",
                [TRIGGER],
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            return {table for table, name in cursor.fetchall() if name.startswith(f"{TRIGGER}_")}
        return {row[0] for row in cursor.fetchall()}


def install_triggers(using=DEFAULT_DB_ALIAS, **kwargs):
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"pagecache has no triggers for {connection.vendor}.")
    existing_tables = set(connection.introspection.table_names())
    if VERSION_TABLE not in existing_tables:
        return  # migrating backwards past pagecache's first migration
    wanted = watched_tables() & existing_tables
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in sorted(installed_triggers(connection) - wanted):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
            for table in sorted(wanted):
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
        else:
            for table in sorted(installed_triggers(connection) | wanted):
                for event in SQLITE_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(sqlite_trigger(table, event))}")
            for table in sorted(wanted):
                for event in SQLITE_EVENTS:
                    cursor.execute(
                        f"CREATE TRIGGER {quote(sqlite_trigger(table, event))} AFTER {event} ON {quote(table)} "
                        f"BEGIN INSERT INTO {VERSION_TABLE} (id, version, changed) VALUES (1, random(), {SQLITE_NOW}) "
                        "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                        "changed = max(coalesce(changed, excluded.changed), excluded.changed); END"
                    )
    ContentVersion.objects.using(using).get_or_create(pk=1)


def sqlite_trigger(table, event):
    return f"{TRIGGER}_{table}_{event.lower()}"
