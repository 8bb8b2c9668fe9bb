"""Labels the browser tests find fields by, where a label is also part of another's."""

import re

# "First name" (with whatever follows it: the required asterisk, a lock), not "Preferred
# first name".
FIRST_NAME = re.compile(r"^\s*First name")
