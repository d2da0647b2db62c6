"""The whole directory as a dated, versioned Frictionless Data Package, and finding the latest one.

A release is a folder, ``practices-directory-<date>-v<version>/``, and the same as a zip archive:
``datapackage.json`` (what each table and field means, keys, licence), ``data/<table>.csv`` (every
table in tables.py, read in one consistent snapshot), ``LICENSE.md`` and ``README.md``. Releases
never change once written; the page /data/ offers the newest.
"""

import csv
import datetime
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .formats import LICENSE
from .tables import LIST_SEPARATOR, REGISTRY, Context, to_text

NAME = "immigrant-public-safety-practices"
FOLDER_PREFIX = "practices-directory-"
# The first number changes when a table or field is renamed or removed (a reader's code may break);
# every release counts up the second.
SCHEMA_MAJOR = 1
RELEASE_NAME = re.compile(rf"^{FOLDER_PREFIX}(\d{{4}}-\d{{2}}-\d{{2}})-v(\d+)\.(\d+)\.(\d+)$")
TITLE = "Immigrant Public-Safety Practices directory"
DESCRIPTION = (
    "The published content of a directory of the ways U.S. police departments have earned the trust of "
    "immigrant residents. It starts from the National League of Cities' 2011 report Public Safety Programs "
    "for the Immigrant Community: 17 Good Practices in U.S. Cities: its 17 practices, its Indianapolis case "
    "study and its four recommendation areas, and adds, for each practice, facts from other public sources, "
    "each cited. Only published entries are included, never editors' private notes or drafts."
)
LICENSE_TEXT = """# Licence

The text and data of the {title} (the tables in `data/`, and this package's descriptions) are
licensed under the Creative Commons Attribution 4.0 International licence (CC BY 4.0):
<https://creativecommons.org/licenses/by/4.0/>.

You may share and adapt them for any purpose, provided you credit the directory, for example:
"{title}, dataset release {version} ({date}), {url}", and say if you changed them.

The directory summarizes and cites other publications (the `sources` table). Those sources keep
their own terms: the licence above covers the directory's own words and its compilation, not the
sources' texts. Names, figures and dates are facts reported by the cited sources.
"""


@dataclass(frozen=True)
class Release:
    folder: Path
    date: datetime.date
    version: str

    @property
    def name(self):
        return self.folder.name

    @property
    def archive(self):
        return archive_of(self.folder)

    def descriptor(self):
        return json.loads((self.folder / "datapackage.json").read_text(encoding="utf-8"))


def archive_of(folder):
    return folder.parent / f"{folder.name}.zip"


def releases_dir():
    return Path(settings.DATA_RELEASES_DIR)


def releases(directory=None):
    """Every complete release in the folder, oldest first."""
    found = []
    directory = Path(directory or releases_dir())
    if not directory.is_dir():
        return found
    for path in directory.iterdir():
        match = RELEASE_NAME.match(path.name)
        if match and path.is_dir() and archive_of(path).is_file() and (path / "datapackage.json").is_file():
            date, *numbers = match.groups()
            release = Release(path, datetime.date.fromisoformat(date), ".".join(numbers))
            found.append((tuple(map(int, numbers)), release))
    return [release for _numbers, release in sorted(found, key=lambda item: item[0])]


def latest_release(directory=None):
    found = releases(directory)
    return found[-1] if found else None


def field_descriptor(column):
    field = {"name": column.name, "type": column.type, "description": str(column.description)}
    if column.type == "list":
        field.update({"delimiter": LIST_SEPARATOR, "itemType": "string"})
    if column.format:
        field["format"] = column.format
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    enum = [value for value in column.enum if value != ""]
    if enum:
        constraints["enum"] = enum
    if constraints:
        field["constraints"] = constraints
    return field


def resource_descriptor(table):
    schema = {"fields": [field_descriptor(column) for column in table.columns], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [field], "reference": {"resource": resource, "fields": [target]}}
            for field, resource, target in table.foreign_keys
        ]
    return {
        "name": table.name,
        "type": "table",
        "path": f"data/{table.name}.csv",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": str(table.title),
        "description": str(table.description),
        "schema": schema,
    }


def package_descriptor(version, created, site_url):
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "id": f"{site_url}/data/",
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "created": created.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "homepage": f"{site_url}/",
        "keywords": ["police", "immigrants", "public safety", "community policing", "language access", "cities"],
        "licenses": [LICENSE],
        "sources": [
            {
                "title": "National League of Cities, Public Safety Programs for the Immigrant Community: "
                "17 Good Practices in U.S. Cities (2011), and the public sources each fact cites",
            }
        ],
        "resources": [resource_descriptor(table) for table in REGISTRY.values()],
    }


def next_version(directory):
    minors = [
        int(release.version.split(".")[1])
        for release in releases(directory)
        if release.version.startswith(f"{SCHEMA_MAJOR}.")
    ]
    return f"{SCHEMA_MAJOR}.{max(minors, default=0) + 1}.0"


def write_release(site_url, directory=None, now=None):
    """Write the next release into ``directory`` (the releases folder by default); returns it."""
    directory = Path(directory or releases_dir())
    directory.mkdir(parents=True, exist_ok=True)
    now = now or timezone.now()
    today = timezone.localdate(now)
    version = next_version(directory)
    name = f"{FOLDER_PREFIX}{today.isoformat()}-v{version}"
    building = directory / f".{name}.partial"
    shutil.rmtree(building, ignore_errors=True)
    (building / "data").mkdir(parents=True)
    context = Context(lambda path: f"{site_url}{path}")
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # Every table from the same snapshot, even while curators save.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table in REGISTRY.values():
            with open(building / "data" / f"{table.name}.csv", "w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file)
                writer.writerow([column.name for column in table.columns])
                for record in table.records(context):
                    writer.writerow([to_text(value) for value in record.values()])
    descriptor = package_descriptor(version, now, site_url)
    (building / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (building / "LICENSE.md").write_text(
        LICENSE_TEXT.format(title=TITLE, version=version, date=today.isoformat(), url=f"{site_url}/data/"), "utf-8"
    )
    (building / "README.md").write_text(readme(descriptor, today), "utf-8")
    archive = directory / f"{name}.zip"
    with zipfile.ZipFile(directory / f".{name}.zip.partial", "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(building.rglob("*")):
            if path.is_file():
                zipped.write(path, Path(name) / path.relative_to(building))
    (directory / f".{name}.zip.partial").rename(archive)
    building.rename(directory / name)
    return Release(directory / name, today, version)


def readme(descriptor, today):
    lines = [
        f"# {descriptor['title']}: dataset release {descriptor['version']} ({today.isoformat()})",
        "",
        descriptor["description"],
        "",
        "A Frictionless Data Package: `datapackage.json` describes every table and field. The tables are",
        f"UTF-8 CSV files in `data/`. A field holding several values joins them with `{LIST_SEPARATOR}`; an",
        "empty cell means no value. Rows name each other by key (a practice's `department` is a `slug` of",
        "`departments`; `source` columns are `key`s of `sources`). Licence: CC BY 4.0 (see LICENSE.md);",
        "the cited sources keep their own terms.",
        "",
        "## Tables",
        "",
    ]
    lines += [f"- `{resource['path']}`: {resource['description']}" for resource in descriptor["resources"]]
    return "\n".join(lines) + "\n"
