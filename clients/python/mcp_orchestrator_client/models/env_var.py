from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.secret_key_ref import SecretKeyRef


T = TypeVar("T", bound="EnvVar")


@_attrs_define
class EnvVar:
    """An environment variable of an MCP server container.
    Exactly one of value or secret_key_ref is set (design addition: secret_key_ref,
    rendered as a Kubernetes secretKeyRef so no secret value ever sits in a template).

       Attributes:
           name (str | Unset):
           value (str | Unset): A literal value.
           secret_key_ref (SecretKeyRef | Unset): Points at one key of a Secret in the template's namespace.
    """

    name: str | Unset = UNSET
    value: str | Unset = UNSET
    secret_key_ref: SecretKeyRef | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value = self.value

        secret_key_ref: dict[str, Any] | Unset = UNSET
        if not isinstance(self.secret_key_ref, Unset):
            secret_key_ref = self.secret_key_ref.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if value is not UNSET:
            field_dict["value"] = value
        if secret_key_ref is not UNSET:
            field_dict["secretKeyRef"] = secret_key_ref

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.secret_key_ref import SecretKeyRef  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        value = d.pop("value", UNSET)

        _secret_key_ref = d.pop("secretKeyRef", UNSET)
        secret_key_ref: SecretKeyRef | Unset
        if isinstance(_secret_key_ref, Unset):
            secret_key_ref = UNSET
        else:
            secret_key_ref = SecretKeyRef.from_dict(_secret_key_ref)

        env_var = cls(
            name=name,
            value=value,
            secret_key_ref=secret_key_ref,
        )

        env_var.additional_properties = d
        return env_var

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
