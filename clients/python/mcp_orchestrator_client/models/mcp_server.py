from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.mcp_server_labels import McpServerLabels
    from ..models.resource_requirements import ResourceRequirements


T = TypeVar("T", bound="McpServer")


@_attrs_define
class McpServer:
    """A running instance (pod) of a template, read from the cluster. Read only.

    Attributes:
        name (str | Unset): Pod name.
        namespace (str | Unset):
        template_name (str | Unset): The template the pod was rendered from (its template label).
        phase (str | Unset): Pod phase: Pending, Running, Succeeded, Failed, Unknown.
        ready (bool | Unset): True when the pod's Ready condition is True.
        restart_count (int | Unset): Sum of container restart counts.
        reason (str | Unset): Why the pod is not healthy, when known: a container waiting reason
             (CrashLoopBackOff, ImagePullBackOff, ...) or last termination reason (OOMKilled).
        message (str | Unset): Human-readable detail that goes with reason.
        pod_ip (str | Unset):
        node_name (str | Unset):
        start_time (str | Unset): Unix seconds when the kubelet started the pod; 0 when not started.
        labels (McpServerLabels | Unset):
        created_at (str | Unset): Unix seconds when the pod object was created.
        requests (ResourceRequirements | Unset): Resolved cpu/memory of a container, as Kubernetes quantities
             (cpu: "100m", "0.5", "1"; memory: "256Mi", "1Gi").
        limits (ResourceRequirements | Unset): Resolved cpu/memory of a container, as Kubernetes quantities
             (cpu: "100m", "0.5", "1"; memory: "256Mi", "1Gi").
    """

    name: str | Unset = UNSET
    namespace: str | Unset = UNSET
    template_name: str | Unset = UNSET
    phase: str | Unset = UNSET
    ready: bool | Unset = UNSET
    restart_count: int | Unset = UNSET
    reason: str | Unset = UNSET
    message: str | Unset = UNSET
    pod_ip: str | Unset = UNSET
    node_name: str | Unset = UNSET
    start_time: str | Unset = UNSET
    labels: McpServerLabels | Unset = UNSET
    created_at: str | Unset = UNSET
    requests: ResourceRequirements | Unset = UNSET
    limits: ResourceRequirements | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        namespace = self.namespace

        template_name = self.template_name

        phase = self.phase

        ready = self.ready

        restart_count = self.restart_count

        reason = self.reason

        message = self.message

        pod_ip = self.pod_ip

        node_name = self.node_name

        start_time = self.start_time

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        created_at = self.created_at

        requests: dict[str, Any] | Unset = UNSET
        if not isinstance(self.requests, Unset):
            requests = self.requests.to_dict()

        limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if template_name is not UNSET:
            field_dict["templateName"] = template_name
        if phase is not UNSET:
            field_dict["phase"] = phase
        if ready is not UNSET:
            field_dict["ready"] = ready
        if restart_count is not UNSET:
            field_dict["restartCount"] = restart_count
        if reason is not UNSET:
            field_dict["reason"] = reason
        if message is not UNSET:
            field_dict["message"] = message
        if pod_ip is not UNSET:
            field_dict["podIp"] = pod_ip
        if node_name is not UNSET:
            field_dict["nodeName"] = node_name
        if start_time is not UNSET:
            field_dict["startTime"] = start_time
        if labels is not UNSET:
            field_dict["labels"] = labels
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if requests is not UNSET:
            field_dict["requests"] = requests
        if limits is not UNSET:
            field_dict["limits"] = limits

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mcp_server_labels import McpServerLabels  # noqa: PLC0415
        from ..models.resource_requirements import ResourceRequirements  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        namespace = d.pop("namespace", UNSET)

        template_name = d.pop("templateName", UNSET)

        phase = d.pop("phase", UNSET)

        ready = d.pop("ready", UNSET)

        restart_count = d.pop("restartCount", UNSET)

        reason = d.pop("reason", UNSET)

        message = d.pop("message", UNSET)

        pod_ip = d.pop("podIp", UNSET)

        node_name = d.pop("nodeName", UNSET)

        start_time = d.pop("startTime", UNSET)

        _labels = d.pop("labels", UNSET)
        labels: McpServerLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = McpServerLabels.from_dict(_labels)

        created_at = d.pop("createdAt", UNSET)

        _requests = d.pop("requests", UNSET)
        requests: ResourceRequirements | Unset
        if isinstance(_requests, Unset):
            requests = UNSET
        else:
            requests = ResourceRequirements.from_dict(_requests)

        _limits = d.pop("limits", UNSET)
        limits: ResourceRequirements | Unset
        if isinstance(_limits, Unset):
            limits = UNSET
        else:
            limits = ResourceRequirements.from_dict(_limits)

        mcp_server = cls(
            name=name,
            namespace=namespace,
            template_name=template_name,
            phase=phase,
            ready=ready,
            restart_count=restart_count,
            reason=reason,
            message=message,
            pod_ip=pod_ip,
            node_name=node_name,
            start_time=start_time,
            labels=labels,
            created_at=created_at,
            requests=requests,
            limits=limits,
        )

        mcp_server.additional_properties = d
        return mcp_server

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
