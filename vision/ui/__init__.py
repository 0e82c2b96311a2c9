"""The web page's logic, without Streamlit: one module per part of the page.

app.py only places widgets; what they show is computed here from engine objects
(Report, LiveSnapshot, Technique) so it can be unit tested without a browser.
Nothing in this package imports streamlit, and this file re-exports nothing:
import from the module that owns a name (e.g. ``vision.ui.uploads``).
"""
