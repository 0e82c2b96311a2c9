"""History: sessions kept on this computer, and what they say about progress.

record.py   SessionRecord, built from a report's dict (pure: no figure recomputed)
advice.py   the guide's three-week rule, the tingling stop, what is due today (pure)
store.py    the SQLite adapter: versioned migrations, one transaction a save, export/import
settings.py whether the user wants history kept (asked once)
"""
