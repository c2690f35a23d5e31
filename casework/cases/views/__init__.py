"""The case pages: the Cases list, the case overview with its timeline and actions (case.py), and the
PPS office's pages: transfers, the Approvals queue, case type settings (office.py)."""

from .case import CaseDetailView, CaseLinkView, CaseListView, CaseOpenView, CaseStatusView, CaseWorkerView  # noqa: F401
from .office import ApprovalDecideView, ApprovalsView, BulkReassignView, CaseAssignView, CaseSettingsView  # noqa: F401
