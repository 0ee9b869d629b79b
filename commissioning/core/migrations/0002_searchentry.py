from django.db import migrations, models

# PostgreSQL only: the words as a tsvector, kept by the database itself, with a
# GIN index, so that a search never builds a vector at query time. SQLite
# searches the `words` column with LIKE instead. No pending list (fastupdate):
# entries go straight into the index, or a search after a bulk write would read
# every new entry one by one until the next vacuum.
VECTOR = """
ALTER TABLE core_searchentry
    ADD COLUMN vector tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, words))) STORED;
CREATE INDEX core_searchentry_vector ON core_searchentry USING gin (vector) WITH (fastupdate = off);
"""
NO_VECTOR = """
DROP INDEX core_searchentry_vector;
ALTER TABLE core_searchentry DROP COLUMN vector;
"""


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTOR)


def remove_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_VECTOR)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=30)),
                ("object_id", models.BigIntegerField()),
                ("url", models.CharField(max_length=300)),
                ("label", models.CharField(blank=True, max_length=200)),
                ("title", models.CharField(max_length=500)),
                ("text", models.TextField(blank=True)),
                ("detail", models.CharField(blank=True, max_length=500)),
                ("date", models.DateField(null=True)),
                ("order", models.CharField(blank=True, max_length=100)),
                ("title_words", models.TextField(blank=True)),
                ("words", models.TextField(blank=True)),
            ],
            options={
                "verbose_name_plural": "search entries",
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"), name="search_entry_once")],
            },
        ),
        migrations.RunPython(add_vector, remove_vector),
    ]
