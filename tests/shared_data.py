"""Where ../shared/data (public roster exports nobody here wrote) is: beside the checkout, as CI
lays it out, or at /work/shared on a developer's machine. Tests only read it."""

from pathlib import Path

_CANDIDATES = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data",
    Path("/work/shared/data"),
)
SHARED_DATA = next((path for path in _CANDIDATES if path.is_dir()), _CANDIDATES[0])
