"""The create's arguments and the check each gets, as passed or as a template rendered them.

Standard library and validators only: operator modules use it when a DAG file is parsed, to refuse a
bad literal argument there. The catalog checks that need the API come after, in ``provisioning``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import optional_text, rendered_mapping

IF_EXISTS_CHOICES = ("reuse", "fail")


def _optional(checker: Callable[[str, Any], Any], argument: str) -> Callable[[Any], Any]:
    return lambda value: None if value is None else checker(argument, value)


#: The create's arguments and the check each gets, as passed or as a template rendered it.
CREATE_ARGUMENT_CHECKS: Mapping[str, Callable[[Any], Any]] = {
    "integration_configuration_id": check.configuration_id,
    "product": check.product_id_or_slug,
    "name": check.store_name,
    "billing_plan_id": _optional(check.require_text, "billing_plan_id"),
    "metadata": lambda value: check.metadata_values(rendered_mapping("metadata", value)),
    "prepayment_amount_cents": lambda value: check.prepayment_cents(optional_text(value)),
    "payment_method_id": _optional(check.require_id, "payment_method_id"),
    "external_id": _optional(check.require_text, "external_id"),
    "protocol_settings": lambda value: rendered_mapping("protocol_settings", value),
    "if_exists": lambda value: check.choice("if_exists", value, IF_EXISTS_CHOICES),
}
