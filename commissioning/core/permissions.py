"""Who may see and change what: the one place views ask.

A user who may not see a record gets 404 (so they cannot learn it exists);
one who may see it but not change it gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404


def _perm(model: type[Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def require(user, model: type[Model], action: str = "view") -> None:
    """For pages that are not one record (lists, create forms): 403 when not allowed."""
    if not user.has_perm(_perm(model, action)):
        raise PermissionDenied


def get_for_user(user, queryset: QuerySet, *, action: str = "view", **lookup) -> Model:
    model = queryset.model
    if not user.has_perm(_perm(model, "view")):
        raise Http404(f"No {model._meta.verbose_name} found.")
    try:
        obj = queryset.get(**lookup)
    except model.DoesNotExist:
        raise Http404(f"No {model._meta.verbose_name} found.") from None
    if action != "view" and not user.has_perm(_perm(model, action)):
        raise PermissionDenied
    return obj


def can(user, model: type[Model], action: str) -> bool:
    return user.has_perm(_perm(model, action))
