"""Who may open My day, the caseload dashboard and its weights (merged into tests/test_permission_matrix.py)."""

from casework.core.testing.permissions import Rule

#                  director supervisor ppw school_admin school_staff data_steward auditor none anonymous
ROWS = {
    "caseloads:my_day": Rule(get=(200, 200, 200, 404, 404, 404, 404, 404, 302)),
    "caseloads:dashboard": Rule(get=(200, 200, 404, 404, 404, 404, 404, 404, 302)),
    # Only the director sets the weights; a POST without weights is a form error (400).
    "caseloads:weights": Rule(get=(200, 404, 404, 404, 404, 404, 404, 404, 302),
                              post=(400, 404, 404, 404, 404, 404, 404, 404, 302)),
}
