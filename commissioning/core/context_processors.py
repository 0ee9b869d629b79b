from commissioning.core.roles import role_names


def roles(request):
    return {"user_roles": role_names(getattr(request, "user", None)) if hasattr(request, "user") else []}
