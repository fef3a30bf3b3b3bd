from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_limit_preset import ResourceLimitPreset


T = TypeVar("T", bound="ListResourceLimitsResponse")


@_attrs_define
class ListResourceLimitsResponse:
    """
    Attributes:
        resource_limits (list[ResourceLimitPreset] | Unset):
        next_page_token (str | Unset):
        total_count (int | Unset):
    """

    resource_limits: list[ResourceLimitPreset] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    total_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        resource_limits: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.resource_limits, Unset):
            resource_limits = []
            for resource_limits_item_data in self.resource_limits:
                resource_limits_item = resource_limits_item_data.to_dict()
                resource_limits.append(resource_limits_item)

        next_page_token = self.next_page_token

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if resource_limits is not UNSET:
            field_dict["resourceLimits"] = resource_limits
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token
        if total_count is not UNSET:
            field_dict["totalCount"] = total_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_limit_preset import ResourceLimitPreset  # noqa: PLC0415

        d = dict(src_dict)
        _resource_limits = d.pop("resourceLimits", UNSET)
        resource_limits: list[ResourceLimitPreset] | Unset = UNSET
        if _resource_limits is not UNSET:
            resource_limits = []
            for resource_limits_item_data in _resource_limits:
                resource_limits_item = ResourceLimitPreset.from_dict(resource_limits_item_data)

                resource_limits.append(resource_limits_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        total_count = d.pop("totalCount", UNSET)

        list_resource_limits_response = cls(
            resource_limits=resource_limits,
            next_page_token=next_page_token,
            total_count=total_count,
        )

        list_resource_limits_response.additional_properties = d
        return list_resource_limits_response

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
