"""Batch analysis of a folder of videos on a distributed engine (Dask distributed).

Pure logic (what a rerun skips, the batch index, the worker's tracker cache) is
kept apart from the one adapter that talks to Dask (cluster.py), so most of it
runs and is tested without a cluster.
"""
