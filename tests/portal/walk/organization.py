"""Management > Organization: the district tree, its settings and the rostering method."""

from . import ADMIN_PAGE, ADMIN_RECORD, DISTRICT_ADMIN_PAGE, PAGE

EXPECTED = {
    "rostering:organization": (None, PAGE),
    "rostering:organization_add": (None, DISTRICT_ADMIN_PAGE),
    # North Elementary: its school admin edits it; its teacher sees it but may not (403).
    "rostering:organization_edit": ("school", ADMIN_RECORD),
    "rostering:rostering_method": (None, ADMIN_PAGE),
}


def targets(world, people):
    return {"school": world.school}
