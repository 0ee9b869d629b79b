from django.db import migrations

# PostgreSQL only. Replaces 0002's `vector` with `kind_vector`: each word stored
# twice over, as a lexeme prefixed by the entry's kind, "contract/home" for a
# word of the entry and "contract.t.home" for a word of its title. So
# - one GIN lookup finds the matches of one kind only (and the title matches of
#   one kind), never every kind's matches to be filtered by kind afterwards;
# - the planner's statistics are per kind: "extension" is common in
#   resolutions and absent from contracts, and it knows.
# The ranking btree is the order results come in within a kind (newest first,
# then the kind's own order byte by byte, then the id), so that the first few
# of a kind with many matches are read in order, stopping when there are enough.
# `array_to_tsvector` takes the words as they are: they are already plain.
KIND_WORDS = """
DROP INDEX core_searchentry_vector;
ALTER TABLE core_searchentry DROP COLUMN vector;
ALTER TABLE core_searchentry
    ADD COLUMN kind_vector tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(trim(
        replace(words, ' ', ' ' || kind || '/') || replace(title_words, ' ', ' ' || kind || '.t.')
    ), ' '))) STORED;
CREATE INDEX core_searchentry_kind_vector ON core_searchentry USING gin (kind_vector) WITH (fastupdate = off);
CREATE INDEX core_searchentry_ranking
    ON core_searchentry (kind, date DESC NULLS LAST, "order" COLLATE "C", object_id);
ANALYZE core_searchentry;
"""
NO_KIND_WORDS = """
DROP INDEX core_searchentry_ranking;
DROP INDEX core_searchentry_kind_vector;
ALTER TABLE core_searchentry DROP COLUMN kind_vector;
ALTER TABLE core_searchentry
    ADD COLUMN vector tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, words))) STORED;
CREATE INDEX core_searchentry_vector ON core_searchentry USING gin (vector) WITH (fastupdate = off);
"""


def add_kind_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(KIND_WORDS)


def remove_kind_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_KIND_WORDS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_searchentry"),
    ]

    operations = [
        migrations.RunPython(add_kind_words, remove_kind_words),
    ]
