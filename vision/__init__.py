"""CrossGrain's engine: hand tracking, stroke and hold analysis, reports.

Never imports streamlit: the UI, the CLI and the tests all drive the same
`pipeline.Session`.
"""

__version__ = "0.1.0"

# The one engine version. Bump it whenever the same video, axis and technique can give
# another report (labels, figures, scoring, the report's layout): a batch rerun
# (`crossgrain analyze FOLDER --cluster ...`) analyses again every video whose index row
# names another version, and skips the rest.
ENGINE_VERSION = "0.1.0+engine.1"
