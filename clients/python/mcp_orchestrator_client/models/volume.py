from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.empty_dir_volume import EmptyDirVolume


T = TypeVar("T", bound="Volume")


@_attrs_define
class Volume:
    """A volume mounted at mount_path. Exactly one source is set; more sources
    can be added to the oneof later without breaking existing declarations.

       Attributes:
           name (str | Unset): Volume name (DNS-1123 label), unique within the preset.
           mount_path (str | Unset): Absolute path inside the container.
           empty_dir (EmptyDirVolume | Unset): Scratch space that lives as long as the pod.
    """

    name: str | Unset = UNSET
    mount_path: str | Unset = UNSET
    empty_dir: EmptyDirVolume | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        mount_path = self.mount_path

        empty_dir: dict[str, Any] | Unset = UNSET
        if not isinstance(self.empty_dir, Unset):
            empty_dir = self.empty_dir.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if mount_path is not UNSET:
            field_dict["mountPath"] = mount_path
        if empty_dir is not UNSET:
            field_dict["emptyDir"] = empty_dir

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.empty_dir_volume import EmptyDirVolume  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        mount_path = d.pop("mountPath", UNSET)

        _empty_dir = d.pop("emptyDir", UNSET)
        empty_dir: EmptyDirVolume | Unset
        if isinstance(_empty_dir, Unset):
            empty_dir = UNSET
        else:
            empty_dir = EmptyDirVolume.from_dict(_empty_dir)

        volume = cls(
            name=name,
            mount_path=mount_path,
            empty_dir=empty_dir,
        )

        volume.additional_properties = d
        return volume

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
