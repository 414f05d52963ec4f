"""Helpers the test folders share.

- ``airflow``: the in-process Airflow harness (metadata DB, DagBag, running DAGs).
- ``secrets``: the no-secret check every task or client output goes through.
- ``clients``: the sync and async API clients bound to the emulator, its request log, a Neon get-or-create.
- ``hostile_server`` and ``hostile_clients``: a server that misbehaves on purpose, both clients driven against it.
- ``json_server``: a base for scripted JSON servers on loopback.
- ``stores``: a store made through the hook, and the masking check of its credentials.
"""
