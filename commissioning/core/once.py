"""A create form saves once, however many times it is sent.

A double click, a second press while the page is slow, or the browser sending
the form again after "back" would otherwise save two waivers, two meetings or
two decisions. Every create form carries a one-time token in a hidden field
(`{% once_token %}`, a random value signed so that nobody can choose one).
The view, wrapped in `saves_once`, runs in one transaction with a row for its
token in `SavedForm`, whose token is unique:

- the first post inserts the row, saves the record and stores the address it
  was redirected to, all in one transaction;
- a second post of the same form finds the row (or, sent at the same moment,
  waits on the unique index until the first commits, then finds it) and is
  redirected to the record the first saved, with "This was already saved";
- a post whose form had errors saves nothing and leaves the token unused, so
  the corrected form can be sent.

The view's response says whether it saved: a redirect is a save, unless the
view called `not_saved(request)` (a view that reports its errors on the page
it redirects to). A post without a token (a script, a page from before this
existed) is saved as before, unprotected.
"""

import secrets
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone

from commissioning.core.models import SavedForm
from commissioning.core.uploads import atomic_with_files

FIELD = "form_token"
ALREADY_SAVED = "This was already saved."
_SALT = "commissioning.core.once"
_NOT_SAVED = "_once_not_saved"
# Rows older than this are of no use: no browser sends a form again after so long.
_KEPT_FOR = timedelta(days=2)


def new_token() -> str:
    return signing.dumps(secrets.token_hex(16), salt=_SALT)


def posted_token(request) -> str | None:
    """The token of the posted form, or None when it has none or it was altered."""
    if request.method != "POST" or not request.POST.get(FIELD):
        return None
    try:
        nonce = signing.loads(request.POST[FIELD], salt=_SALT)
    except signing.BadSignature:
        return None
    # Kept per user: a token someone else's page carried is no use to you.
    return f"{request.user.pk}:{nonce}"


def not_saved(request) -> None:
    """Tell `saves_once` that this response, though a redirect, saved nothing."""
    setattr(request, _NOT_SAVED, True)


def saves_once(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = posted_token(request)
        if token is None:
            return view(request, *args, **kwargs)
        earlier = _earlier(request, token)
        if earlier is not None:
            return earlier
        # The files a save stored are deleted if this transaction rolls back.
        with atomic_with_files():
            try:
                with transaction.atomic():
                    # Sent twice at once, the second waits here until the first ends.
                    saved = SavedForm.objects.create(token=token, user=request.user)
            except IntegrityError:
                earlier = _earlier(request, token)
                if earlier is not None:
                    return earlier
                raise
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseRedirect) and not getattr(request, _NOT_SAVED, False):
                saved.saved_to = response["Location"]
                saved.save(update_fields=["saved_to"])
                SavedForm.objects.filter(saved_at__lt=timezone.now() - _KEPT_FOR).delete()
            else:
                # Nothing was saved (the form had errors): the token stays unused.
                transaction.set_rollback(True)
        return response

    return wrapper


def _earlier(request, token: str):
    saved = SavedForm.objects.filter(token=token).exclude(saved_to="").first()
    if saved is None:
        return None
    messages.info(request, ALREADY_SAVED)
    return redirect(saved.saved_to)
