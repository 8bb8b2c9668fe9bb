import pytest

from rostering.sync.models import SyncSource
from tests import factories


@pytest.fixture
def district(db):
    district = factories.DistrictFactory(name="Clever Valley", slug="clever-valley")
    SyncSource.objects.create(district=district, source_format=SyncSource.Format.CLEVER)
    return district


@pytest.fixture
def school(district):
    return factories.SchoolFactory(district=district, name="Oak School", external_id="N0")
