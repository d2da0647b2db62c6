# Correction suggestions, moved here from the practices app with their table and their permissions.

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models


def relabel_content_type(apps, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new_label, model="correctionsuggestion").exists():
        ContentType.objects.filter(app_label=old_label, model="correctionsuggestion").update(app_label=new_label)


def move_content_type(apps, schema_editor):
    relabel_content_type(apps, "practices", "corrections")


def move_content_type_back(apps, schema_editor):
    relabel_content_type(apps, "corrections", "practices")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('practices', '0008_correction_suggestions_move_out'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The table exists already (made by practices 0003): take it over in the state only...
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='CorrectionSuggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('page', models.CharField(blank=True, help_text='The address of the page the suggestion is about.', max_length=300, verbose_name='page')),
                ('message', models.TextField(max_length=5000, verbose_name='what should change')),
                ('evidence_url', models.URLField(blank=True, max_length=500, verbose_name='where you read it (optional)')),
                ('email', models.EmailField(blank=True, help_text='Only to ask you about this suggestion.', max_length=254, verbose_name='your e-mail (optional)')),
                ('status', models.CharField(choices=[('new', 'New'), ('accepted', 'Accepted and applied'), ('declined', 'Declined')], default='new', max_length=20, verbose_name='status')),
                ('curator_notes', models.TextField(blank=True, verbose_name='notes for curators')),
                ('created', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name='received')),
                ('practice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='correction_suggestions', to='practices.practice', verbose_name='practice')),
            ],
            options={
                'verbose_name': 'correction suggestion',
                'verbose_name_plural': 'correction suggestions',
                'ordering': ['-created'],
                'db_table': 'practices_correctionsuggestion',
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['new', 'accepted', 'declined'])), name='correction_status_valid'), models.CheckConstraint(condition=models.Q(('message', ''), _negated=True), name='correction_message_not_empty')],
            },
        )], database_operations=[]),
        # ...then give it this app's name, and move the content type so permissions and admin log stay.
        migrations.AlterModelTable(name='correctionsuggestion', table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
