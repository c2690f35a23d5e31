"""Who may open the descriptor mapping page (merged into tests/test_permission_matrix.py)."""

from casework.core.testing.permissions import Rule

ROWS = {
    # "rules.manage": the director and the data steward; district configuration, no school scope.
    "attendance:descriptors": Rule(
        #    director supervisor ppw school_admin school_staff data_steward auditor none anonymous
        get=(200, 404, 404, 404, 404, 200, 404, 404, 302),
        post=(400, 404, 404, 404, 404, 400, 404, 404, 302),  # no descriptor: a form error
    ),
}
