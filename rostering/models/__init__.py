from .base import Origin
from .classes import ClassEducator, ClassGroup, ClassStudent
from .link_history import LinkChange
from .org import Organization
from .people import Educator, Grade, Student
from .products import ClassProduct, Product, ProductSetting, StudentProduct, StudentProductSetting
from .sync_config import SyncConfiguration
from .workers import WorkerHeartbeat

__all__ = [
    "ClassEducator",
    "ClassGroup",
    "ClassProduct",
    "ClassStudent",
    "Educator",
    "Grade",
    "LinkChange",
    "Organization",
    "Origin",
    "Product",
    "ProductSetting",
    "Student",
    "StudentProduct",
    "StudentProductSetting",
    "SyncConfiguration",
    "WorkerHeartbeat",
]
