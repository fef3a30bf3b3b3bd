from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_limit import ResourceLimit
    from ..models.resource_limit_preset_labels import ResourceLimitPresetLabels
    from ..models.volume import Volume


T = TypeVar("T", bound="ResourceLimitPreset")


@_attrs_define
class ResourceLimitPreset:
    """A cluster-level resource preset, like a cloud machine type ("n1-standard-nano").
    Declared with `kind: ResourceLimit`. Templates refer to it by name.

       Attributes:
           name (str | Unset): Preset name (DNS-1123 subdomain), e.g. "n1-standard-nano".
           display_name (str | Unset):
           description (str | Unset):
           limits (ResourceLimit | Unset): The resources of a preset. cpu and memory are requests; the optional
                fields are limits. A limit, when set, must not be below its request.
           volumes (list[Volume] | Unset): Volumes mounted into every container that uses the preset (design addition).
           labels (ResourceLimitPresetLabels | Unset):
           usage_count (int | Unset): Output only: number of templates that use this preset.
           created_at (str | Unset): Output only: Unix seconds of the commit that first added the declaration.
    """

    name: str | Unset = UNSET
    display_name: str | Unset = UNSET
    description: str | Unset = UNSET
    limits: ResourceLimit | Unset = UNSET
    volumes: list[Volume] | Unset = UNSET
    labels: ResourceLimitPresetLabels | Unset = UNSET
    usage_count: int | Unset = UNSET
    created_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        display_name = self.display_name

        description = self.description

        limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits.to_dict()

        volumes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.volumes, Unset):
            volumes = []
            for volumes_item_data in self.volumes:
                volumes_item = volumes_item_data.to_dict()
                volumes.append(volumes_item)

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        usage_count = self.usage_count

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if description is not UNSET:
            field_dict["description"] = description
        if limits is not UNSET:
            field_dict["limits"] = limits
        if volumes is not UNSET:
            field_dict["volumes"] = volumes
        if labels is not UNSET:
            field_dict["labels"] = labels
        if usage_count is not UNSET:
            field_dict["usageCount"] = usage_count
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_limit import ResourceLimit  # noqa: PLC0415
        from ..models.resource_limit_preset_labels import ResourceLimitPresetLabels  # noqa: PLC0415
        from ..models.volume import Volume  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        display_name = d.pop("displayName", UNSET)

        description = d.pop("description", UNSET)

        _limits = d.pop("limits", UNSET)
        limits: ResourceLimit | Unset
        if isinstance(_limits, Unset):
            limits = UNSET
        else:
            limits = ResourceLimit.from_dict(_limits)

        _volumes = d.pop("volumes", UNSET)
        volumes: list[Volume] | Unset = UNSET
        if _volumes is not UNSET:
            volumes = []
            for volumes_item_data in _volumes:
                volumes_item = Volume.from_dict(volumes_item_data)

                volumes.append(volumes_item)

        _labels = d.pop("labels", UNSET)
        labels: ResourceLimitPresetLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = ResourceLimitPresetLabels.from_dict(_labels)

        usage_count = d.pop("usageCount", UNSET)

        created_at = d.pop("createdAt", UNSET)

        resource_limit_preset = cls(
            name=name,
            display_name=display_name,
            description=description,
            limits=limits,
            volumes=volumes,
            labels=labels,
            usage_count=usage_count,
            created_at=created_at,
        )

        resource_limit_preset.additional_properties = d
        return resource_limit_preset

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
