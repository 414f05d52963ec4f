"""The Vercel endpoints as data: each builder checks its arguments and returns an ``ApiCall``.

No I/O happens here. The sync and async clients execute the same ``ApiCall`` objects, so both speak
exactly the same contract (docs/api-contract.md; a bare "§N" in this package is a section of it)
and only the transport differs. How each answer is read lives in ``parsers.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote, unquote

from airflow_provider_vercel.api import parsers
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import (
    BillingPlan,
    BillingPlans,
    ConfigurationProducts,
    EnvVar,
    IntegrationConfiguration,
    Store,
)
from airflow_provider_vercel.api.parsers import EnvPage as EnvPage  # re-exported: flows and callers name it here

T = TypeVar("T")


def _decoded_json(data: Any) -> Any:
    return data


@dataclass(frozen=True)
class ApiCall(Generic[T]):
    """One HTTP request and how to read its answer, a ``T``.

    :param method: HTTP method.
    :param path: URL path, segments already quoted.
    :param params: query parameters (team scoping is added by the client).
    :param body: JSON body, or None.
    :param parse: turns the decoded JSON (None for an empty body) into the result; by default the
        decoded JSON itself (``generic``).
    :param safe: True when sending it twice cannot do harm, so the retry policy applies.
    :param status_results: non-2xx statuses that are an answer rather than an error, with the result
        each one stands for (a 404 on a delete: already gone, ``False``).
    """

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    parse: Callable[[Any], T] = _decoded_json
    safe: bool = True
    status_results: Mapping[int, T] = field(default_factory=dict)


def build_path(template: str, **segments: str) -> str:
    """Fill a path template's ``{argument}`` placeholders, each value checked and quoted as one segment.

    Every builder below makes its path here, so none can forget the check: a value that is empty or made
    only of dots (which URL libraries resolve, ``..`` climbing a level) is refused, naming the argument.

    :param template: the path with one ``{name}`` placeholder per segment, named as the argument.
    :param segments: the values, by argument name.
    """
    quoted = {name: quote(check.path_segment(name, value), safe="") for name, value in segments.items()}
    return template.format(**quoted)


def list_configurations(
    view: str = "account",
    installation_type: str | None = None,
    integration: str | None = None,
) -> ApiCall[list[IntegrationConfiguration]]:
    """GET /v1/integrations/configurations (a bare array)."""
    params: dict[str, Any] = {"view": check.choice("view", view, check.CONFIGURATION_VIEWS)}
    if installation_type is not None:
        params["installationType"] = check.choice("installation_type", installation_type, check.INSTALLATION_TYPES)
    if integration is not None:
        params["integrationIdOrSlug"] = check.require_id("integration", integration)
    return ApiCall("GET", "/v1/integrations/configurations", params, parse=parsers.configurations)


def get_configuration(configuration_id: str) -> ApiCall[IntegrationConfiguration]:
    """GET /v1/integrations/configuration/{id}."""
    cid = check.configuration_id(configuration_id, "configuration_id")
    return ApiCall(
        "GET",
        build_path("/v1/integrations/configuration/{configuration_id}", configuration_id=cid),
        parse=parsers.configuration(cid),
    )


def list_products(configuration_id: str) -> ApiCall[ConfigurationProducts]:
    """GET /v1/integrations/configuration/{id}/products."""
    cid = check.configuration_id(configuration_id, "configuration_id")
    return ApiCall(
        "GET",
        build_path("/v1/integrations/configuration/{configuration_id}/products", configuration_id=cid),
        parse=lambda data: parsers.parse_model(ConfigurationProducts, data, "products response"),
    )


def list_billing_plans(
    integration: str,
    product: str,
    metadata: Mapping[str, Any] | None = None,
    configuration_id: str | None = None,
) -> ApiCall[list[BillingPlan]]:
    """GET /v1/integrations/integration/{integration}/products/{product}/plans."""
    integ = check.require_id("integration", integration)
    prod = check.product_id_or_slug(product)
    params: dict[str, Any] = {}
    if metadata:
        # §3/§7.6: a JSON *string* here, unlike the create body where it is an object.
        params["metadata"] = json.dumps(check.metadata_values(metadata), separators=(",", ":"), sort_keys=True)
    if configuration_id is not None:
        params["integrationConfigurationId"] = check.configuration_id(configuration_id, "configuration_id")
    return ApiCall(
        "GET",
        build_path(
            "/v1/integrations/integration/{integration}/products/{product}/plans", integration=integ, product=prod
        ),
        params,
        parse=lambda data: list(parsers.parse_model(BillingPlans, data, "plans response").plans),
    )


@dataclass(frozen=True)
class CreateStoreRequest:
    """A validated body of ``POST /v1/storage/stores/integration/direct``.

    :param name: store name, 1–128 characters of letters, digits, '_' and '-'.
    :param integration_configuration_id: the configuration (``icfg_…``) to create under.
    :param product: product id (``iap_…``) or slug.
    :param billing_plan_id: plan id from the plans endpoint; None lets Vercel pick a free plan.
    :param metadata: product metadata (checked against the product's schema by the caller).
    :param prepayment_amount_cents: amount for variable prepayment plans, at least 50.
    :param payment_method_id: payment method to charge instead of the team default.
    :param external_id: caller's own tracking id (not echoed back by Vercel).
    :param protocol_settings: free-form protocol settings.
    """

    name: str
    integration_configuration_id: str
    product: str
    billing_plan_id: str | None = None
    metadata: Mapping[str, Any] | None = None
    prepayment_amount_cents: int | None = None
    payment_method_id: str | None = None
    external_id: str | None = None
    protocol_settings: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", check.store_name(self.name))
        object.__setattr__(
            self, "integration_configuration_id", check.configuration_id(self.integration_configuration_id)
        )
        object.__setattr__(self, "product", check.product_id_or_slug(self.product))
        if self.billing_plan_id is not None:
            object.__setattr__(self, "billing_plan_id", check.require_text("billing_plan_id", self.billing_plan_id))
        object.__setattr__(self, "metadata", check.metadata_values(self.metadata))
        object.__setattr__(self, "prepayment_amount_cents", check.prepayment_cents(self.prepayment_amount_cents))
        if self.payment_method_id is not None:
            object.__setattr__(
                self, "payment_method_id", check.require_id("payment_method_id", self.payment_method_id)
            )
        if self.external_id is not None:
            object.__setattr__(self, "external_id", check.require_text("external_id", self.external_id))
        if self.protocol_settings is not None and not isinstance(self.protocol_settings, Mapping):
            raise VercelInputError("protocol_settings", "must be a mapping")
        if self.prepayment_amount_cents is not None and self.billing_plan_id is None:
            raise VercelInputError(
                "prepayment_amount_cents", "only applies to a prepayment plan: pass billing_plan_id too"
            )

    def to_body(self) -> dict[str, Any]:
        """The JSON body; optional fields are omitted rather than sent as null."""
        body: dict[str, Any] = {
            "name": self.name,
            "integrationConfigurationId": self.integration_configuration_id,
            "integrationProductIdOrSlug": self.product,
        }
        optional = {
            "billingPlanId": self.billing_plan_id,
            "metadata": dict(self.metadata) if self.metadata else None,
            "prepaymentAmountCents": self.prepayment_amount_cents,
            "paymentMethodId": self.payment_method_id,
            "externalId": self.external_id,
            "protocolSettings": dict(self.protocol_settings) if self.protocol_settings else None,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body


def create_store(request: CreateStoreRequest) -> ApiCall[Store | None]:
    """POST /v1/storage/stores/integration/direct. Never retried blindly (safe=False)."""
    return ApiCall("POST", "/v1/storage/stores/integration/direct", body=request.to_body(), parse=parsers.store_or_none, safe=False)


def get_store(store_id: str) -> ApiCall[Store | None]:
    """GET /v1/storage/stores/{id} (the CLI-proven form, with /v1 and a token)."""
    sid = check.require_id("store_id", store_id)
    return ApiCall("GET", build_path("/v1/storage/stores/{store_id}", store_id=sid), parse=parsers.store_or_none)


def list_stores(configuration_id: str | None = None, skip_metadata: bool = False) -> ApiCall[list[Store]]:
    """GET /v1/storage/stores (undocumented, CLI-proven), optionally for one configuration.

    :param configuration_id: only stores of this configuration.
    :param skip_metadata: ask for the light listing without stores' metadata (§5.3): enough for
        matching on name, id and product, and about half the bytes.
    """
    params: dict[str, Any] = {}
    if configuration_id is not None:
        params["integrationConfigurationId"] = check.configuration_id(configuration_id, "configuration_id")
    if check.optional_bool("skip_metadata", skip_metadata):
        params["skip-metadata"] = "true"
    return ApiCall("GET", "/v1/storage/stores", params, parse=parsers.stores)


def connect_store(
    configuration_id: str,
    store_id: str,
    project_id: str,
    environments: Sequence[str] = check.ENV_TARGETS,
    sensitive: bool | None = None,
    env_var_prefix: str | None = None,
) -> ApiCall[bool]:
    """Connect a store to a project; a repeat answers 409, which ``api/connect.py`` confirms.

    Without a prefix: the published ``POST …/installations/{icfg}/resources/{store}/connections``
    (201, empty body). The published route takes no prefix, so with one: the Vercel CLI's
    ``POST /v1/storage/stores/{store}/connections`` with ``type: "integration"`` and ``envVarPrefix``
    (§5.1; undocumented, answers 200). Safe to retry: a repeat cannot connect twice.
    """
    cid = check.configuration_id(configuration_id, "configuration_id")
    sid = check.require_id("store_id", store_id)
    body: dict[str, Any] = {
        "projectId": check.require_id("project_id", project_id),
        "envVarEnvironments": check.environments(environments),
    }
    if check.optional_bool("sensitive", sensitive) is not None:
        body["makeEnvVarsSensitive"] = sensitive
    if env_var_prefix is None:
        path = build_path(
            "/v1/integrations/installations/{configuration_id}/resources/{store_id}/connections",
            configuration_id=cid,
            store_id=sid,
        )
    else:
        body["type"] = "integration"
        body["envVarPrefix"] = check.env_var_prefix(env_var_prefix)
        path = build_path("/v1/storage/stores/{store_id}/connections", store_id=sid)
    return ApiCall("POST", path, body=body, parse=lambda data: True)


def disconnect_store(store_id: str, connection_id: str | None = None) -> ApiCall[bool]:
    """DELETE /v1/storage/stores/{id}/connections[/{connectionId}]; a missing one answers 404, returned as False."""
    sid = check.require_id("store_id", store_id)
    if connection_id is None:
        path = build_path("/v1/storage/stores/{store_id}/connections", store_id=sid)
    else:
        cid = check.require_id("connection_id", connection_id)
        path = build_path(
            "/v1/storage/stores/{store_id}/connections/{connection_id}", store_id=sid, connection_id=cid
        )
    return ApiCall("DELETE", path, parse=lambda data: True, status_results={404: False})


def delete_store(store_id: str) -> ApiCall[bool]:
    """DELETE /v1/storage/stores/integration/{id}; an already-deleted store (404) is returned as False."""
    sid = check.require_id("store_id", store_id)
    return ApiCall(
        "DELETE",
        build_path("/v1/storage/stores/integration/{store_id}", store_id=sid),
        parse=lambda data: True,
        status_results={404: False},
    )


def list_project_env(
    project: str, decrypt: bool = False, git_branch: str | None = None, until: int | float | None = None
) -> ApiCall[EnvPage]:
    """GET /v10/projects/{idOrName}/env: one page, parsed to an ``EnvPage``.

    ``until`` is the previous page's ``pagination.next`` (Vercel's usual cursor parameter; §8.1 marks
    it unconfirmed for this endpoint).
    """
    pid = check.require_id("project", project)
    params: dict[str, Any] = {"decrypt": "true" if decrypt else "false"}
    if git_branch is not None:
        params["gitBranch"] = check.require_text("git_branch", git_branch)
    if until is not None:
        params["until"] = until
    return ApiCall("GET", build_path("/v10/projects/{project}/env", project=pid), params, parse=parsers.env_page)


def get_project_env(project: str, env_id: str) -> ApiCall[EnvVar]:
    """GET /v1/projects/{idOrName}/env/{id}: one variable, decrypted unless it is sensitive."""
    pid = check.require_id("project", project)
    eid = check.require_id("env_id", env_id)
    return ApiCall(
        "GET",
        build_path("/v1/projects/{project}/env/{env_id}", project=pid, env_id=eid),
        parse=lambda data: parsers.parse_model(EnvVar, data, "env"),
    )


def generic(
    method: str,
    path: str,
    params: Mapping[str, Any] | None = None,
    body: Any = None,
) -> ApiCall[Any]:
    """Any endpoint; only GET, HEAD and DELETE are retried."""
    verb = check.choice("method", str(method).upper(), ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))
    text = check.require_text("path", path)
    if "://" in text or not text.startswith("/"):
        raise VercelInputError("path", f"must be a path starting with '/', such as /v1/storage/stores; got {text!r}")
    # A segment made only of dots (also percent-encoded) would be resolved away, reaching another endpoint.
    for segment in text.split("/")[1:]:
        if segment and check.DOTS.match(unquote(segment)):
            raise VercelInputError("path", f"must not contain a segment made only of dots, got {text!r}")
    if any(ch.isspace() for ch in text) or "?" in text:
        raise VercelInputError("path", "must not contain whitespace or a query string; pass query parameters separately")
    if params is not None and not isinstance(params, Mapping):
        raise VercelInputError("params", f"must be a mapping of query parameters, got {type(params).__name__}")
    query = dict(check.finite_json("params", dict(params or {})))
    return ApiCall(verb, text, query, body=check.finite_json("json", body), safe=verb in ("GET", "HEAD", "DELETE"))
