"""CrossGrain's engine: hand tracking, stroke and hold analysis, reports.

Never imports streamlit: the UI, the CLI and the tests all drive the same
`pipeline.Session`.
"""

__version__ = "0.1.0"
