from django.db import migrations

from practices.synonyms import add_default_synonyms


def add(apps, schema_editor):
    add_default_synonyms(
        apps.get_model("practices", "SearchSynonym"),
        apps.get_model("practices", "HistoricalSearchSynonym"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0012_search_synonyms"),
    ]

    operations = [
        migrations.RunPython(add, migrations.RunPython.noop),
    ]
