from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_limit_preset import ResourceLimitPreset


T = TypeVar("T", bound="CreateResourceLimitResponse")


@_attrs_define
class CreateResourceLimitResponse:
    """
    Attributes:
        resource_limit (ResourceLimitPreset | Unset): A cluster-level resource preset, like a cloud machine type
            ("n1-standard-nano").
             Declared with `kind: ResourceLimit`. Templates refer to it by name.
    """

    resource_limit: ResourceLimitPreset | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        resource_limit: dict[str, Any] | Unset = UNSET
        if not isinstance(self.resource_limit, Unset):
            resource_limit = self.resource_limit.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if resource_limit is not UNSET:
            field_dict["resourceLimit"] = resource_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_limit_preset import ResourceLimitPreset  # noqa: PLC0415

        d = dict(src_dict)
        _resource_limit = d.pop("resourceLimit", UNSET)
        resource_limit: ResourceLimitPreset | Unset
        if isinstance(_resource_limit, Unset):
            resource_limit = UNSET
        else:
            resource_limit = ResourceLimitPreset.from_dict(_resource_limit)

        create_resource_limit_response = cls(
            resource_limit=resource_limit,
        )

        create_resource_limit_response.additional_properties = d
        return create_resource_limit_response

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
