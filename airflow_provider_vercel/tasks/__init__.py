"""The Airflow glue shared by operators, sensors and triggers (never imported by the API layer)."""
