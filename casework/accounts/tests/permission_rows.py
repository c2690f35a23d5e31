"""Who gets what from the session check (merged into tests/test_permission_matrix.py)."""

from casework.core.testing.permissions import Rule

ROWS = {
    # session.js asks whose session this is: any signed-in user gets their own id; anonymous 401, not a
    # redirect (a script must tell "signed out" from a page).
    "accounts:session": Rule(
        #    director supervisor ppw school_admin school_staff data_steward auditor none anonymous
        get=(200, 200, 200, 200, 200, 200, 200, 200, 401),
    ),
}
