"""Expected answers of the URL walk (tests/portal/test_url_walk.py), one module an area.

Each area module defines ``EXPECTED`` (url name -> (target kind or None, statuses per role))
and ``targets(world, people)`` returning the records its URLs take, keyed by target kind.
"""

ROLES = ("anonymous", "teacher", "school_admin", "district_admin", "outsider")


def row(anonymous, teacher, school_admin, district_admin, outsider):
    return (anonymous, teacher, school_admin, district_admin, outsider)


PAGE = row(302, 200, 200, 200, 200)  # a page every signed-in role uses in its own district
OWN_RECORD = row(302, 200, 200, 200, 404)  # a record of the teacher's school
ADMIN_PAGE = row(302, 403, 200, 200, 200)  # administrators only
ADMIN_RECORD = row(302, 403, 200, 200, 404)
DISTRICT_ADMIN_PAGE = row(302, 403, 403, 200, 200)
DISTRICT_ADMIN_RECORD = row(302, 404, 404, 200, 404)
POST_ONLY = row(302, 405, 405, 405, 404)
POST_ONLY_LIST = row(302, 405, 405, 405, 405)  # acts on records chosen in the POST
POST_ONLY_ADMIN = row(302, 403, 405, 405, 404)
