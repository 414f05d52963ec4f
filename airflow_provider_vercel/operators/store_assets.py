"""The store link and asset of a create task: the "Vercel store" extra link and the store's asset event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import Asset, AssetAlias, BaseOperatorLink, XCom
from airflow.providers.common.compat.version_compat import AIRFLOW_V_3_0_PLUS

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context, TaskInstanceKey

# XCom keys pushed by VercelCreateStoreOperator before it returns (the link reads the URL).
STORE_ID_XCOM_KEY = "store_id"
STORE_URL_XCOM_KEY = "store_url"
#: The asset alias every create task emits its store's asset event through (schedule a DAG on it).
STORE_ASSET_ALIAS = "vercel_stores"
STORE_ASSET_SCHEME = "vercel"
# get_link's marker for an operator object that did not run in this process (e.g. a deserialized one).
_NOT_RUN_HERE = object()


def store_asset_uri(team: str | None, name: str) -> str:
    """The Airflow asset URI of a store: ``vercel://<team>/stores/<name>``.

    Stable for a team and a store name: the team is its id when the connection has one (ids never
    change, slugs can), else its slug, else ``personal`` for a personal account.

    :param team: team id or slug.
    :param name: store name.
    """
    return f"{STORE_ASSET_SCHEME}://{team or 'personal'}/stores/{name}"


def alias_outlets(alias: str | None, outlets: Any) -> tuple[str | None, Any]:
    """The alias events are emitted through (None on Airflow 2) and the task's outlets with it added.

    Airflow 2.11 records an event through an alias only if its metadata DB already holds the alias
    (written when the DAG was parsed, never for mapped tasks) and fails the task otherwise: there no
    event is emitted.

    :param alias: the requested alias, or None.
    :param outlets: the task's ``outlets`` argument.
    """
    if alias is None or not AIRFLOW_V_3_0_PLUS:
        return None, outlets
    listed = [] if outlets is None else list(outlets) if isinstance(outlets, (list, tuple)) else [outlets]
    return alias, [*listed, AssetAlias(name=alias)]


def emit_store_event(context: Context, alias: str, team: str | None, summary: dict[str, Any]) -> str | None:
    """Add the store's asset event to ``alias``; the asset URI, or None when the context has no outlet events.

    :param context: the task context (its ``outlet_events``).
    :param alias: the asset alias.
    :param team: team id or slug, for the URI.
    :param summary: the store summary the task returns.
    """
    events = context.get("outlet_events")
    if events is None or not summary.get("name"):  # a hand-built context (unit tests): nothing to emit into
        return None
    uri = store_asset_uri(team, summary["name"])
    product = summary.get("product") or {}
    extra = {
        "store_id": summary.get("id"),
        "store_name": summary.get("name"),
        "configuration_id": summary.get("configuration_id"),
        "product": product.get("slug") or product.get("id"),
        "status": summary.get("status"),
        "outcome": summary.get("outcome"),
    }
    events[AssetAlias(name=alias)].add(Asset(uri=uri), extra=extra)
    return uri


class VercelStoreLink(BaseOperatorLink):
    """Extra link "Vercel store": the store's page in the Vercel dashboard (XCom ``store_url``)."""

    name = "Vercel store"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        """The dashboard URL the task pushed, or an empty string when there is none (dry run, failure).

        On Airflow 3 the worker evaluates the link right after the task ran, with the operator that
        ran: its URL is read from the operator, so an absent link costs no XCom look-up (which the
        Task SDK would log at ERROR). Elsewhere (Airflow 2's webserver) the XCom is read.

        :param operator: the task's operator.
        :param ti_key: the task instance whose XCom is read.
        """
        known = getattr(operator, "link_url", _NOT_RUN_HERE)
        if known is not _NOT_RUN_HERE:
            return known if isinstance(known, str) else ""
        url = XCom.get_value(key=STORE_URL_XCOM_KEY, ti_key=ti_key)
        return url if isinstance(url, str) else ""
