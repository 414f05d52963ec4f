"""The response models (``models.py``): numbers where the contract says number."""

from __future__ import annotations

from airflow_provider_vercel.api.models import EnvVar, Store, StoreSecret


def test_models_accept_fractional_numbers_where_the_contract_says_number():
    store = Store.model_validate(
        {"id": "store_a", "createdAt": 1.7e12 + 0.5, "updatedAt": 2.5, "totalConnectedProjects": 1.5,
         "secrets": [{"name": "DATABASE_URL", "length": 40.5}]}
    )
    assert (store.created_at, store.updated_at, store.total_connected_projects) == (1.7e12 + 0.5, 2.5, 1.5)
    assert StoreSecret.model_validate({"name": "X", "length": 3}).length == 3  # whole numbers stay ints
    assert store.secrets[0].length == 40.5
    assert EnvVar.model_validate({"key": "K", "value": "v", "type": "plain", "securityIssues": []}).key == "K"
