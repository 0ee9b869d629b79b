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
