"""A snapshot of the cluster's objects for the cross-resource rules, kept by
listing then watching the API server with the official `kubernetes` client.
Until every list has come back, `objects()` is None: the webhook then applies
the object-local rules only and says so. Never lists Secrets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

from shieldwall.admission.jsonlog import JsonLog

# Seconds one watch request lasts before it is opened again from the last version.
WATCH_SECONDS = 240
# Seconds to wait before listing again after an error.
RETRY_SECONDS = 5.0
HTTP_GONE = 410


@dataclass(frozen=True, slots=True)
class Source:
    """One kind the snapshot follows: how to list it, its apiVersion and kind."""

    api_version: str
    kind: str
    lister: Callable[..., Any]


def sources(api: client.ApiClient) -> list[Source]:
    core, apps, batch = client.CoreV1Api(api), client.AppsV1Api(api), client.BatchV1Api(api)
    net, rbac = client.NetworkingV1Api(api), client.RbacAuthorizationV1Api(api)
    rbac_v1 = "rbac.authorization.k8s.io/v1"
    return [
        Source("v1", "Namespace", core.list_namespace),
        Source("v1", "ServiceAccount", core.list_service_account_for_all_namespaces),
        Source("v1", "Service", core.list_service_for_all_namespaces),
        Source("apps/v1", "Deployment", apps.list_deployment_for_all_namespaces),
        Source("apps/v1", "StatefulSet", apps.list_stateful_set_for_all_namespaces),
        Source("apps/v1", "DaemonSet", apps.list_daemon_set_for_all_namespaces),
        Source("batch/v1", "Job", batch.list_job_for_all_namespaces),
        Source("batch/v1", "CronJob", batch.list_cron_job_for_all_namespaces),
        Source("networking.k8s.io/v1", "NetworkPolicy", net.list_network_policy_for_all_namespaces),
        Source("networking.k8s.io/v1", "Ingress", net.list_ingress_for_all_namespaces),
        Source(rbac_v1, "Role", rbac.list_role_for_all_namespaces),
        Source(rbac_v1, "RoleBinding", rbac.list_role_binding_for_all_namespaces),
        Source(rbac_v1, "ClusterRole", rbac.list_cluster_role),
        Source(rbac_v1, "ClusterRoleBinding", rbac.list_cluster_role_binding),
    ]


def _key(obj: Mapping[str, Any]) -> tuple[str, str, str]:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind")), str(meta.get("namespace") or ""), str(meta.get("name")))


class ClusterSnapshot:
    """The followed objects by (kind, namespace, name), updated by one thread per kind."""

    def __init__(self, api: client.ApiClient, log: JsonLog | None = None) -> None:
        self._sources = sources(api)
        self._log = log or JsonLog()
        self._lock = threading.Lock()
        self._objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._listed: set[str] = set()
        self._stop = threading.Event()
        self._watches: list[watch.Watch] = []

    @classmethod
    def in_cluster(cls, log: JsonLog | None = None) -> ClusterSnapshot:
        config.load_incluster_config()  # type: ignore[no-untyped-call]
        return cls(client.ApiClient(), log)

    @property
    def synced(self) -> bool:
        with self._lock:
            return len(self._listed) == len(self._sources)

    def objects(self, namespace: str = "") -> Sequence[Mapping[str, Any]] | None:
        """The objects of `namespace` and the cluster-scoped ones; None until synced."""
        with self._lock:
            if len(self._listed) != len(self._sources):
                return None
            return [o for (_, ns, _), o in self._objects.items() if ns in ("", namespace)]

    def start(self) -> None:
        for source in self._sources:
            threading.Thread(target=self._follow, args=(source,), daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        for w in list(self._watches):
            w.stop()  # type: ignore[no-untyped-call]

    def _follow(self, source: Source) -> None:
        while not self._stop.is_set():
            try:
                version = self._list(source)
                while not self._stop.is_set():
                    version = self._watch(source, version)
            except ApiException as exc:
                if exc.status != HTTP_GONE:
                    self._log("snapshot_error", kind=source.kind, status=exc.status)
                    self._stop.wait(RETRY_SECONDS)
            except Exception as exc:  # the API server went away: list again later
                self._log("snapshot_error", kind=source.kind, error=type(exc).__name__)
                self._stop.wait(RETRY_SECONDS)

    def _list(self, source: Source) -> str:
        resp = source.lister(_preload_content=False)
        doc = orjson.loads(resp.data)
        items = {}
        for item in doc.get("items") or ():
            item.setdefault("kind", source.kind)
            item.setdefault("apiVersion", source.api_version)
            items[_key(item)] = item
        with self._lock:
            for key in [k for k in self._objects if k[0] == source.kind]:
                del self._objects[key]
            self._objects.update(items)
            self._listed.add(source.kind)
        self._log("snapshot_listed", kind=source.kind, objects=len(items))
        return str((doc.get("metadata") or {}).get("resourceVersion") or "")

    def _watch(self, source: Source, version: str) -> str:
        w = watch.Watch()  # type: ignore[no-untyped-call]
        self._watches.append(w)
        try:
            for event in w.stream(  # type: ignore[no-untyped-call]
                source.lister,
                resource_version=version,
                timeout_seconds=WATCH_SECONDS,
                allow_watch_bookmarks=True,
                deserialize=False,
            ):
                kind, obj = event.get("type"), event.get("object")
                if not isinstance(obj, dict):
                    continue
                if kind == "ERROR":
                    raise ApiException(status=obj.get("code"), reason=obj.get("message"))
                version = str((obj.get("metadata") or {}).get("resourceVersion") or version)
                if kind == "BOOKMARK":
                    continue
                obj.setdefault("kind", source.kind)
                obj.setdefault("apiVersion", source.api_version)
                with self._lock:
                    if kind == "DELETED":
                        self._objects.pop(_key(obj), None)
                    else:
                        self._objects[_key(obj)] = obj
        finally:
            self._watches.remove(w)
        return version
