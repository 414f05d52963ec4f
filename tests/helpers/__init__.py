"""Helpers the test folders share: the in-process Airflow harness and the no-secret check."""
