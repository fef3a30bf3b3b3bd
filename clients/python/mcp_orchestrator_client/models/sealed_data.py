from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sealed_data_scope import SealedDataScope
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sealed_data_encrypted_data import SealedDataEncryptedData


T = TypeVar("T", bound="SealedData")


@_attrs_define
class SealedData:
    """Values sealed per key with the controller's public certificate
    (Bitnami Sealed Secrets format: RSA-OAEP-SHA256 session key + AES-256-GCM, base64).

       Attributes:
           scope (SealedDataScope | Unset): Sealing scope; STRICT when not set. It is bound into every ciphertext.
           encrypted_data (SealedDataEncryptedData | Unset): key -> base64 ciphertext. The key names are public; the values
               are never shown back.
    """

    scope: SealedDataScope | Unset = UNSET
    encrypted_data: SealedDataEncryptedData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        scope: str | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope.value

        encrypted_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.encrypted_data, Unset):
            encrypted_data = self.encrypted_data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if scope is not UNSET:
            field_dict["scope"] = scope
        if encrypted_data is not UNSET:
            field_dict["encryptedData"] = encrypted_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sealed_data_encrypted_data import SealedDataEncryptedData  # noqa: PLC0415

        d = dict(src_dict)
        _scope = d.pop("scope", UNSET)
        scope: SealedDataScope | Unset
        if isinstance(_scope, Unset):
            scope = UNSET
        else:
            scope = SealedDataScope(_scope)

        _encrypted_data = d.pop("encryptedData", UNSET)
        encrypted_data: SealedDataEncryptedData | Unset
        if isinstance(_encrypted_data, Unset):
            encrypted_data = UNSET
        else:
            encrypted_data = SealedDataEncryptedData.from_dict(_encrypted_data)

        sealed_data = cls(
            scope=scope,
            encrypted_data=encrypted_data,
        )

        sealed_data.additional_properties = d
        return sealed_data

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
