# Correction suggestions moved to their own app (corrections). The table stays: corrections' first
# migration takes it over and renames it, so existing suggestions are kept.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0007_history_of_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CorrectionSuggestion")],
            database_operations=[],
        ),
    ]
