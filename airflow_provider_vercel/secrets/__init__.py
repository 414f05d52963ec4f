"""Airflow secrets backends of the Vercel provider."""
