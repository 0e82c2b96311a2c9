"""Compare an attempt with a demonstration (reference): alignment, differences, similarity; the reference store."""

from .compare import SIMILARITY_METHOD, Comparison, StretchComparison, compare
from .report_json import ReportFormatError, load_report, report_from_dict

__all__ = ["SIMILARITY_METHOD", "Comparison", "ReportFormatError", "StretchComparison", "compare", "load_report",
           "report_from_dict"]
