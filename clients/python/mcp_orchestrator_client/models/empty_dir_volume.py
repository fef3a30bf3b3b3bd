from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EmptyDirVolume")


@_attrs_define
class EmptyDirVolume:
    """Scratch space that lives as long as the pod.

    Attributes:
        size_limit (str | Unset): Optional size limit as a quantity ("64Mi", "1Gi").
        memory (bool | Unset): Back the volume with memory (tmpfs) instead of node disk.
    """

    size_limit: str | Unset = UNSET
    memory: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        size_limit = self.size_limit

        memory = self.memory

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if size_limit is not UNSET:
            field_dict["sizeLimit"] = size_limit
        if memory is not UNSET:
            field_dict["memory"] = memory

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        size_limit = d.pop("sizeLimit", UNSET)

        memory = d.pop("memory", UNSET)

        empty_dir_volume = cls(
            size_limit=size_limit,
            memory=memory,
        )

        empty_dir_volume.additional_properties = d
        return empty_dir_volume

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
