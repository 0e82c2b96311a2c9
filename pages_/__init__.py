"""Streamlit page modules (thin: widgets over vision/ui/ data). Not named pages/, which Streamlit would
take for its automatic multi-page layout."""
