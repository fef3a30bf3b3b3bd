from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Diagnostic")


@_attrs_define
class Diagnostic:
    """One problem found in a commit's declarations, as `mcpo validate --format json`
    prints it. Text fields have control characters escaped and are bounded; no
    secret value is ever in them.

       Attributes:
           code (str | Unset): Stable machine-readable code, e.g. "field.unknown", "quantity.invalid".
           severity (str | Unset): "error" or "warning".
           message (str | Unset): For a person: what is wrong.
           file (str | Unset): Path relative to the repository root, with forward slashes; empty when
                the problem is not in one file.
           line (int | Unset): 1-based line in file, when known.
           column (int | Unset): 1-based column in file, when known.
           kind (str | Unset): Kind of the declaration, e.g. "McpTemplate", when known.
           name (str | Unset): Name of the declaration, e.g. "default/my-memory-server", when known.
           path (str | Unset): Dotted field path inside the declaration, e.g. "env_vars[0].name".
           hint (str | Unset): What to do about it, when it is clear.
    """

    code: str | Unset = UNSET
    severity: str | Unset = UNSET
    message: str | Unset = UNSET
    file: str | Unset = UNSET
    line: int | Unset = UNSET
    column: int | Unset = UNSET
    kind: str | Unset = UNSET
    name: str | Unset = UNSET
    path: str | Unset = UNSET
    hint: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        severity = self.severity

        message = self.message

        file = self.file

        line = self.line

        column = self.column

        kind = self.kind

        name = self.name

        path = self.path

        hint = self.hint

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if severity is not UNSET:
            field_dict["severity"] = severity
        if message is not UNSET:
            field_dict["message"] = message
        if file is not UNSET:
            field_dict["file"] = file
        if line is not UNSET:
            field_dict["line"] = line
        if column is not UNSET:
            field_dict["column"] = column
        if kind is not UNSET:
            field_dict["kind"] = kind
        if name is not UNSET:
            field_dict["name"] = name
        if path is not UNSET:
            field_dict["path"] = path
        if hint is not UNSET:
            field_dict["hint"] = hint

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        severity = d.pop("severity", UNSET)

        message = d.pop("message", UNSET)

        file = d.pop("file", UNSET)

        line = d.pop("line", UNSET)

        column = d.pop("column", UNSET)

        kind = d.pop("kind", UNSET)

        name = d.pop("name", UNSET)

        path = d.pop("path", UNSET)

        hint = d.pop("hint", UNSET)

        diagnostic = cls(
            code=code,
            severity=severity,
            message=message,
            file=file,
            line=line,
            column=column,
            kind=kind,
            name=name,
            path=path,
            hint=hint,
        )

        diagnostic.additional_properties = d
        return diagnostic

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
