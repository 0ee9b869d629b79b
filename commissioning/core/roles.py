"""The three roles and what each may do.

Roles are Django groups holding model permissions. `roles_sync` makes the
groups match this table and runs after every `migrate`, so the table here is
the one place roles are defined: a change made to these groups in the admin
does not survive the next migrate. Users are put in groups in the admin.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

OFFICERS = "Commissioning officers"
CLERKS = "Committee clerks"
MANAGERS = "Managers"

# Every role reads everything in these apps.
READABLE_APPS = ("contracts", "committees", "commissioning")

# Which apps' records each role adds, changes and deletes. README's "Who can do what"
# says this in words, and tests/test_permission_matrix.py holds every page to it.
EDITABLE_APPS = {
    OFFICERS: ("contracts", "commissioning"),
    CLERKS: ("committees",),
    # Managers start and steer re-commissioning projects and record waivers; they read the rest.
    MANAGERS: ("commissioning",),
}

# Single permissions beyond those apps, as "app_label.codename". Officers record the
# decisions they take under a delegation (every delegation is to an officer); only
# clerks record one not taken under a delegation ("committees.record_without_delegation_officerdecision").
EXTRA_PERMISSIONS = {
    OFFICERS: ("committees.add_officerdecision",),
}


def roles_sync() -> None:
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    readable = Permission.objects.filter(content_type__app_label__in=READABLE_APPS, codename__startswith="view_")
    for name, editable_apps in EDITABLE_APPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        editable = Permission.objects.filter(content_type__app_label__in=editable_apps).exclude(
            codename__startswith="view_"
        )
        extra = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in (perm.split(".") for perm in EXTRA_PERMISSIONS.get(name, ()))
        ]
        group.permissions.set(list(readable) + list(editable) + extra)


def role_names(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [group.name for group in user.groups.all()]
