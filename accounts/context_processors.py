from .permissions import Feature, has_feature
from .roles import scope_for


def scope(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "scope": scope_for(user),
        "features": {feature.value: has_feature(user, feature) for feature in Feature},
    }
