from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ResourceLimit")


@_attrs_define
class ResourceLimit:
    """The resources of a preset. cpu and memory are requests; the optional
    fields are limits. A limit, when set, must not be below its request.

       Attributes:
           cpu (str | Unset):
           memory (str | Unset):
           cpu_limit (str | Unset):
           memory_limit (str | Unset):
           ephemeral_storage (str | Unset): Ephemeral storage request and limit of the container (design addition: in whole
               Mi or Gi).
    """

    cpu: str | Unset = UNSET
    memory: str | Unset = UNSET
    cpu_limit: str | Unset = UNSET
    memory_limit: str | Unset = UNSET
    ephemeral_storage: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cpu = self.cpu

        memory = self.memory

        cpu_limit = self.cpu_limit

        memory_limit = self.memory_limit

        ephemeral_storage = self.ephemeral_storage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cpu is not UNSET:
            field_dict["cpu"] = cpu
        if memory is not UNSET:
            field_dict["memory"] = memory
        if cpu_limit is not UNSET:
            field_dict["cpuLimit"] = cpu_limit
        if memory_limit is not UNSET:
            field_dict["memoryLimit"] = memory_limit
        if ephemeral_storage is not UNSET:
            field_dict["ephemeralStorage"] = ephemeral_storage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cpu = d.pop("cpu", UNSET)

        memory = d.pop("memory", UNSET)

        cpu_limit = d.pop("cpuLimit", UNSET)

        memory_limit = d.pop("memoryLimit", UNSET)

        ephemeral_storage = d.pop("ephemeralStorage", UNSET)

        resource_limit = cls(
            cpu=cpu,
            memory=memory,
            cpu_limit=cpu_limit,
            memory_limit=memory_limit,
            ephemeral_storage=ephemeral_storage,
        )

        resource_limit.additional_properties = d
        return resource_limit

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
