"""Views that are pure functions of a Report (and of a Comparison): no Streamlit, no I/O."""
