"""Reading a product's metadataSchema (``metadata_schema.py``): the field listing and the JSON Schema it becomes."""

from __future__ import annotations

import copy

from airflow_provider_vercel.api.metadata_schema import MetadataField, describe_fields, to_json_schema
from tests.api.metadata_examples import EXAMPLE, one_field


def test_to_json_schema_drops_ui_keys_and_turns_selectable_options_into_enum() -> None:
    converted = to_json_schema(EXAMPLE)
    assert converted["properties"]["region"] == {"type": "string", "enum": ["iad1", "fra1", "sfo1"]}
    assert converted["properties"]["plan_tier"] == {"type": "string", "enum": ["small"]}
    assert converted["properties"]["storage_gb"] == {"type": "number", "minimum": 1, "maximum": 256}
    assert converted["required"] == []  # region's default satisfies it
    assert converted["additionalProperties"] is False


def test_describe_fields_follows_ui_order_then_the_rest() -> None:
    schema = copy.deepcopy(EXAMPLE)
    schema["properties"]["zeta"] = {"type": "string", "ui:control": "domain"}
    schema["properties"]["alpha"] = {"type": "string", "ui:control": "input"}
    schema["ui:order"] = ["pooling", "ghost", "region"]
    names = [field.name for field in describe_fields(schema)]
    assert names == ["pooling", "region", "plan_tier", "storage_gb", "zeta", "alpha"]


def test_describe_fields_reports_labels_options_bounds_and_defaults() -> None:
    fields = {field.name: field for field in describe_fields(EXAMPLE)}
    assert fields["region"] == MetadataField(
        name="region",
        label="Region",
        type="string",
        control="vercel-region",
        required=True,
        default="iad1",
        options=("iad1", "fra1", "sfo1"),
        minimum=None,
        maximum=None,
        description=None,
    )
    assert fields["plan_tier"].options == ("small",)  # "large" is hidden at create time
    assert (fields["storage_gb"].minimum, fields["storage_gb"].maximum) == (1.0, 256.0)
    assert fields["pooling"].default is True and fields["pooling"].required is False


def test_describe_fields_reads_slider_bounds_from_its_items() -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "slider",
            "description": "CU range",
            "items": {"type": "number", "minimum": 0.25, "exclusiveMaximum": 8},
            "ui:steps": [1],
        }
    )
    (field,) = describe_fields(schema)
    assert (field.minimum, field.maximum, field.description) == (0.25, 8.0, "CU range")
