from django.conf import settings
from django.db import models


class SavedForm(models.Model):
    """A create form that has been saved, by the one-time token it carried
    (`commissioning.core.once`). The unique token is what stops a second post
    of the same form from saving a second record."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    saved_to = models.CharField(max_length=500, blank=True, help_text="The page of what the form saved.")
    saved_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.saved_to or self.token


class SearchEntry(models.Model):
    """What the search finds for one record of a kind registered with
    `commissioning.core.search`: the words it is found by and what a result shows.
    Written only by `commissioning.core.search`, from the kind's own records.

    On PostgreSQL the table also has `kind_vector`, a tsvector generated from
    `kind`, `words` and `title_words`, with a GIN index, and a btree in ranking
    order (migration 0003); Django never reads or writes the column."""

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    url = models.CharField(max_length=300)
    label = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500)
    text = models.TextField(blank=True)
    detail = models.CharField(max_length=500, blank=True)
    date = models.DateField(null=True)
    order = models.CharField(max_length=100, blank=True)
    # Lower-case words, each after a space: " ach 22 035 home".
    title_words = models.TextField(blank=True)
    words = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
