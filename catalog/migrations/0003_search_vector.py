"""Search by everything the documents say: one text column per weight and, on PostgreSQL,
the weighted search vector with its GIN index and pg_trgm for "did you mean".

SQLite has neither tsvector indexes nor extensions: there the index is skipped (the model
state still records it, so makemigrations stays clean) and search reads the text columns.
Books written before this migration keep their authors (renamed column) and get the rest
of their search text from `manage.py refresh_search` (or the next import or admin save).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex whose database step runs on PostgreSQL only (a GIN index means nothing
    elsewhere); the migration state is the same on every database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """Django skips the extension elsewhere going forwards, but not going backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_constraint_messages_in_plain_words"),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        migrations.RenameField(
            model_name="book", old_name="search_authors", new_name="search_names"
        ),
        migrations.AddField(
            model_name="book",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="book",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="book",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="catalog_book_search_vector"
            ),
        ),
    ]
