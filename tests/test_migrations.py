"""An existing database, as the release before the restructuring left it, is carried forward by `migrate`.

The database is a scratch SQLite file made by that release's own code (taken from git into a scratch
folder): migrated, seeded, given a visitor's suggestion; then this code migrates it to the end.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The state-law app came after the restructuring, but the seed loads its fixture too.
# The last commit before the restructuring (curation and corrections apps, FTS5, state law, the 2026 update).
PREVIOUS_RELEASE = "cc6e0d7"

pytestmark = pytest.mark.slow


def manage(database, *args, code=ROOT):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=code, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def rows(database, sql, *params):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("migrations")
    database, previous = scratch / "existing.sqlite3", scratch / "previous-release"
    previous.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE], capture_output=True, timeout=60, check=False
    )
    if archive.returncode != 0:
        pytest.skip(f"git cannot give the previous release {PREVIOUS_RELEASE} (a shallow clone?)")
    subprocess.run(["tar", "-x", "-C", str(previous)], input=archive.stdout, check=True, timeout=60)
    manage(database, "migrate", "--noinput", "-v0", code=previous)
    manage(database, "seed", "-v0", code=previous)
    rows(
        database,
        "INSERT INTO practices_correctionsuggestion (page, message, evidence_url, email, status, curator_notes, "
        "created, practice_id) VALUES ('/about/', 'The year is wrong.', '', '', 'new', '', '2026-11-30', NULL)",
    )
    before = {
        "suggestion_type": rows(
            database, "SELECT id FROM django_content_type WHERE app_label='practices' AND model='correctionsuggestion'"
        ),
        "practices": rows(database, "SELECT COUNT(*) FROM practices_practice")[0][0],
        "history": rows(database, "SELECT COUNT(*) FROM practices_historicalpractice")[0][0],
        "titles": rows(database, "SELECT slug, title, version FROM practices_practice ORDER BY slug"),
    }
    manage(database, "migrate", "--noinput", "-v0")
    return database, before


def test_suggestions_move_to_their_app_with_their_permissions(migrated):
    database, before = migrated
    assert rows(database, "SELECT message FROM corrections_correctionsuggestion") == [("The year is wrong.",)]
    assert before["suggestion_type"], "the old content type existed"
    moved = rows(
        database, "SELECT id FROM django_content_type WHERE app_label='corrections' AND model='correctionsuggestion'"
    )
    assert moved == before["suggestion_type"]
    curator_codenames = {
        codename
        for (codename,) in rows(
            database,
            "SELECT p.codename FROM auth_permission p JOIN auth_group_permissions gp ON gp.permission_id = p.id "
            "JOIN auth_group g ON g.id = gp.group_id WHERE g.name = 'Curator' AND p.content_type_id = ?",
            moved[0][0],
        )
    }
    assert curator_codenames == {"add_correctionsuggestion", "change_correctionsuggestion", "view_correctionsuggestion"}


def test_content_and_history_survive(migrated):
    database, before = migrated
    assert rows(database, "SELECT COUNT(*) FROM practices_practice")[0][0] == before["practices"] == 18
    assert rows(database, "SELECT COUNT(*) FROM practices_historicalpractice")[0][0] == before["history"] > 0
    assert rows(database, "SELECT slug, title, version FROM practices_practice ORDER BY slug") == before["titles"]


def test_the_full_text_index_holds_the_existing_practices(migrated):
    database, _before = migrated
    found = rows(
        database,
        "SELECT p.slug FROM practices_practice_fts f JOIN practices_practice p ON p.id = f.rowid "
        "WHERE practices_practice_fts MATCH 'robbinsdale'",
    )
    assert found == [("brooklyn-center-mn",)]


def test_nothing_is_left_to_migrate(migrated):
    database, _before = migrated
    plan = manage(database, "showmigrations", "--plan")
    assert "[ ]" not in plan, json.dumps(plan)
