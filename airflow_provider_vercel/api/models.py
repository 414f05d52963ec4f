"""Pydantic models of the Vercel responses this provider reads (docs/api-contract.md; "§N" is its section N).

Every model keeps fields it does not know (``extra="allow"``) and every enum-like field is a plain
string: Vercel adds enum values and fields between releases, and an unknown value must never crash a
DAG. Known values are listed as constants next to the models that use them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

# Re-exported (callers use models.PLAN_TYPE_* and models.STORE_*); defined in api.constants, free of pydantic.
from airflow_provider_vercel.api.constants import PLAN_TYPE_PREPAYMENT as PLAN_TYPE_PREPAYMENT
from airflow_provider_vercel.api.constants import PLAN_TYPE_SUBSCRIPTION as PLAN_TYPE_SUBSCRIPTION
from airflow_provider_vercel.api.constants import STORE_FAILED_STATUSES as STORE_FAILED_STATUSES
from airflow_provider_vercel.api.constants import STORE_STATUS_AVAILABLE as STORE_STATUS_AVAILABLE

#: The contract types timestamps, lengths and counts as JSON ``number``: accept fractions, keep ints.
Number = int | float


class VercelModel(BaseModel):
    """Base: camelCase on the wire, snake_case in Python, unknown fields kept."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        protected_namespaces=(),
    )


class IntegrationInfo(VercelModel):
    """The ``integration`` sub-object of a configuration (shape B) or a products response."""

    id: str | None = None
    slug: str | None = None
    name: str | None = None
    icon: str | None = None
    is_legacy: bool | None = None
    tag_ids: list[str] | None = None


class IntegrationConfiguration(VercelModel):
    """One integration configuration ("installation"), either item shape of §1."""

    id: str
    integration_id: str | None = None
    slug: str | None = None
    owner_id: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    projects: list[str] | None = None
    scopes: list[str] | None = None
    status: str | None = None
    source: str | None = None
    type: str | None = None
    installation_type: str | None = None
    external_id: str | None = None
    created_at: Number | None = None
    updated_at: Number | None = None
    completed_at: Number | None = None
    disabled_at: Number | None = None
    disabled_reason: str | None = None
    deleted_at: Number | None = None
    integration: IntegrationInfo | None = None

    @property
    def effective_status(self) -> str:
        """The status, with an absent one read as ``ready`` (§1)."""
        return self.status or "ready"

    @property
    def effective_installation_type(self) -> str:
        """The installation type, with an absent one read as ``external`` (§1)."""
        return self.installation_type or "external"

    @property
    def integration_slug(self) -> str | None:
        """The integration's slug, from the item or its ``integration`` sub-object."""
        if self.slug:
            return self.slug
        return self.integration.slug if self.integration else None

    @property
    def integration_name(self) -> str | None:
        """The integration's display name when the response carries it."""
        return self.integration.name if self.integration else None


class MetadataSchema(VercelModel):
    """A product's ``metadataSchema``; property descriptors stay raw dicts (their keys have colons)."""

    type: str = "object"
    properties: dict[str, dict[str, Any]] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)
    ui_order: list[str] | None = Field(default=None, alias="ui:order")


class Product(VercelModel):
    """A product (resource type) a configuration can provision (§2)."""

    id: str
    slug: str
    name: str
    primary_protocol: str | None = None
    protocols: dict[str, Any] = Field(default_factory=dict)
    metadata_schema: MetadataSchema = Field(default_factory=MetadataSchema)


class ConfigurationRef(VercelModel):
    """``{"id": ...}`` of a configuration."""

    id: str


class ConfigurationProducts(VercelModel):
    """The products response of §2."""

    products: list[Product] = Field(default_factory=list)
    integration: IntegrationInfo | None = None
    configuration: ConfigurationRef | None = None


class PlanDetail(VercelModel):
    """One ``details``/``highlightedDetails`` entry."""

    label: str
    value: str | None = None


_MONEY = re.compile(r"(\d+(?:[.,]\d+)?)")


def parse_money(text: str | float | int | None) -> Decimal | None:
    """Read a USD amount from ``"19.00"``, ``"$19.00/month"``, ``10.5`` or ``"Free"`` (0); None if absent."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.lower() in {"free", "$0", "0"}:
        return Decimal(0)
    match = _MONEY.search(stripped.replace(",", ""))
    if not match:
        return None
    try:
        return Decimal(match.group(1))
    except InvalidOperation:
        return None


class BillingPlan(VercelModel):
    """A billing plan of a product (§3). Plan ids are partner-defined free-form strings."""

    id: str
    type: str | None = None
    name: str | None = None
    scope: str | None = None
    description: str | None = None
    # Absent means we cannot tell; treat as paid, the safe reading for cost guardrails.
    payment_method_required: bool = True
    preauthorization_amount: float | None = None
    initial_charge: str | None = None
    minimum_amount: str | None = None
    maximum_amount: str | None = None
    maximum_amount_auto_purchase_per_period: str | None = None
    cost: str | None = None
    details: list[PlanDetail] | None = None
    highlighted_details: list[PlanDetail] | None = None
    effective_date: str | None = None
    disabled: bool = False

    @property
    def is_free(self) -> bool:
        """True when no payment method is needed (the API's meaning of a free plan)."""
        return not self.payment_method_required

    @property
    def is_prepayment(self) -> bool:
        """True for prepayment (credits bought up front) plans."""
        return self.type == PLAN_TYPE_PREPAYMENT

    @property
    def monthly_cost(self) -> Decimal | None:
        """Recurring monthly price read from ``cost`` (0 for free plans); None when not stated."""
        if self.is_free:
            return Decimal(0)
        if self.cost and "month" in self.cost.lower():
            return parse_money(self.cost)
        return None

    @property
    def initial_charge_amount(self) -> Decimal | None:
        """``initialCharge`` as a Decimal USD amount."""
        return parse_money(self.initial_charge)

    @property
    def minimum_amount_value(self) -> Decimal | None:
        """Prepayment minimum as a Decimal USD amount."""
        return parse_money(self.minimum_amount)

    @property
    def maximum_amount_value(self) -> Decimal | None:
        """Prepayment maximum as a Decimal USD amount."""
        return parse_money(self.maximum_amount)


class BillingPlans(VercelModel):
    """The billing plans response of §3."""

    plans: list[BillingPlan] = Field(default_factory=list)


class ProjectConnection(VercelModel):
    """One entry of a store's ``projectsMetadata``."""

    id: str | None = None
    project_id: str
    name: str | None = None
    environments: list[str] = Field(default_factory=list)
    env_var_prefix: str | None = None
    environment_variables: list[str] = Field(default_factory=list)


class StoreSecret(VercelModel):
    """A secret's name and length; the API never returns values here."""

    name: str
    length: Number | None = None
    framework_publishable: bool | None = None


class StoreProduct(VercelModel):
    """The ``product`` object of a store."""

    id: str | None = None
    slug: str | None = None
    name: str | None = None
    integration_configuration_id: str | None = None
    integration: IntegrationInfo | None = None
    supported_protocols: list[str] | None = None
    primary_protocol: str | None = None
    tags: list[str] | None = None


class Store(VercelModel):
    """An integration store (§4, §5.2, §5.3). ``id`` is undocumented but returned in practice."""

    id: str | None = None
    name: str | None = None
    type: str | None = None
    status: str | None = None
    created_at: Number | None = None
    updated_at: Number | None = None
    usage_quota_exceeded: bool | None = None
    ownership: str | None = None
    external_resource_id: str | None = None
    external_resource_status: str | None = None
    direct_partner_console_url: str | None = None
    projects_metadata: list[ProjectConnection] = Field(default_factory=list)
    total_connected_projects: Number | None = None
    metadata: dict[str, Any] | None = None
    product: StoreProduct | None = None
    secrets: list[StoreSecret] = Field(default_factory=list)
    billing_plan: BillingPlan | None = None

    @property
    def configuration_id(self) -> str | None:
        """The configuration that owns this store."""
        return self.product.integration_configuration_id if self.product else None

    @property
    def is_ready(self) -> bool:
        """True once the store can be used (§5.2 readiness rule)."""
        return self.status == STORE_STATUS_AVAILABLE or (
            self.status in (None, "null") and self.external_resource_status == "ready"
        )

    @property
    def has_failed(self) -> bool:
        """True when the store reached a failure status."""
        return self.status in STORE_FAILED_STATUSES

    @property
    def secret_names(self) -> list[str]:
        """Names of the store's secrets (never values)."""
        return [secret.name for secret in self.secrets]

    @property
    def connected_project_ids(self) -> list[str]:
        """Ids of the projects this store is connected to."""
        return [conn.project_id for conn in self.projects_metadata]


class EnvVar(VercelModel):
    """A project environment variable (§8). Its value never shows in ``repr`` (it is a secret)."""

    key: str
    value: str | None = Field(default=None, repr=False)
    type: str | None = None
    id: str | None = None
    decrypted: bool | None = None
    target: list[str] | str | None = None
    git_branch: str | None = None
    configuration_id: str | None = None
    content_hint: dict[str, Any] | None = None

    @property
    def targets(self) -> list[str]:
        """The targets as a list whatever shape the API used."""
        if self.target is None:
            return []
        return [self.target] if isinstance(self.target, str) else list(self.target)

    @property
    def store_id(self) -> str | None:
        """The store this variable belongs to, from ``contentHint.storeId``."""
        return (self.content_hint or {}).get("storeId")

    @property
    def is_sensitive(self) -> bool:
        """True for variables whose value can never be read back."""
        return self.type == "sensitive"
