"""The Sync pages of district administrators (the run and rules below are Maple's)."""

from rostering.sync.models import ProductRule, SettingRule, SyncRun
from tests import factories

from . import DISTRICT_ADMIN_PAGE, row

DISTRICT_ADMIN_RUN = row(302, 403, 403, 200, 404)
POST_ONLY_ALL = row(302, 405, 405, 405, 405)

EXPECTED = {
    "sync:home": (None, DISTRICT_ADMIN_PAGE),
    "sync:settings": (None, DISTRICT_ADMIN_PAGE),
    "sync:rules": (None, DISTRICT_ADMIN_PAGE),
    "sync:sync_now": (None, POST_ONLY_ALL),
    "sync:preview": (None, POST_ONLY_ALL),
    "sync:product_rule_remove": ("product_rule", POST_ONLY_ALL),
    "sync:setting_rule_remove": ("setting_rule", POST_ONLY_ALL),
    "sync:run": ("sync_run", DISTRICT_ADMIN_RUN),
    "sync:run_status": ("sync_run", DISTRICT_ADMIN_RUN),
    "sync:run_problems": ("sync_run", DISTRICT_ADMIN_RUN),
    "sync:run_changes": ("sync_run", DISTRICT_ADMIN_RUN),
    "sync:run_approve": ("sync_run", POST_ONLY_ALL),
    "sync:run_discard": ("sync_run", POST_ONLY_ALL),
}


def targets(world, people):
    return {
        "sync_run": SyncRun.objects.create(
            district=world.district, status=SyncRun.Status.SUCCEEDED
        ),
        "product_rule": ProductRule.objects.create(
            district=world.district,
            match_field=ProductRule.MatchField.SUBJECT,
            pattern="ela",
            product=factories.ProductFactory(),
        ),
        "setting_rule": SettingRule.objects.create(
            district=world.district,
            column="metadata.language",
            setting=factories.ProductSettingFactory(),
        ),
    }
