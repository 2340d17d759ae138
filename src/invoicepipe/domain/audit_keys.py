"""The audit keys by id: the key that signs new events and every key that signed old ones.

Rotation never re-signs history: events and checkpoints carry the id of the key that made
their HMAC, and a verifier holding the keyring checks each with its own key. The first key
(the one configured before any rotation) has no id, so everything written before rotation
existed keeps verifying unchanged. The key material is never in the database, only the id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Union

BASE_KEY_ID = None  # the configured key; events signed with it carry no key id


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[Optional[str], bytes]  # id -> key, in the order they took over
    active: Optional[str] = BASE_KEY_ID

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active]

    def get(self, key_id: Optional[str]) -> Optional[bytes]:
        return self.keys.get(key_id)

    def label(self, key_id: Optional[str]) -> str:
        return "the base key" if key_id is None else f"key {key_id}"


def as_keyring(key: Union[bytes, Keyring]) -> Keyring:
    """A lone key is a keyring of one (the base key)."""
    return key if isinstance(key, Keyring) else Keyring({BASE_KEY_ID: key})
