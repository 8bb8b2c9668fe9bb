"""Management > Organization: the district tree, its settings and the rostering method."""

from . import ADMIN_PAGE, ADMIN_RECORD, DISTRICT_ADMIN_PAGE, PAGE, row

EXPECTED = {
    "rostering:organization": (None, PAGE),
    "rostering:organization_add": (None, DISTRICT_ADMIN_PAGE),
    # North Elementary: its school admin edits it; its teacher sees it but may not (403).
    "rostering:organization_edit": ("school", ADMIN_RECORD),
    "rostering:rostering_method": (None, ADMIN_PAGE),
    # POST only (test_import_alerts.py tries the POST with every role).
    "rostering:organization_alerts": (None, row(302, 405, 405, 405, 405)),
    # POST only (test_organization_active.py tries the POST with each role).
    "rostering:organization_set_active": ("school", row(302, 405, 405, 405, 405)),
}


def targets(world, people):
    return {"school": world.school}
