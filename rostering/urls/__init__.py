"""The Management pages' URLs, one module per area, all in the "rostering" namespace."""

from . import classes, educators, organization, students

app_name = "rostering"

urlpatterns = (
    students.urlpatterns + classes.urlpatterns + educators.urlpatterns + organization.urlpatterns
)
