"""Permission rows for the import app's own URLs declared here (merged into tests/test_permission_matrix.py;
the import page's older rows are still in that file's table)."""

from __future__ import annotations

from casework.core.testing.permissions import Rule

ROWS = {
    # The import guide: whoever may open the import page ("import.run": the director and the data steward).
    "imports:guide": Rule(get=(200, 404, 404, 404, 404, 200, 404, 404, 302)),
}
