"""The revocation list: a W3C Bitstring Status List v1.0 credential (GZIP bitstring, base64url multibase).

Bit i is certificate i's status (1 = revoked), counting from the most significant bit of the
first byte; the list is at least 131,072 bits long so that no one can tell how many exist.
"""

import gzip
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.certificates import multibase
from app.certificates.credentials import VC_CONTEXT, iso, status_list_url

MIN_BITS = 131_072


def encode(revoked: Iterable[int], size: int = 0) -> str:
    """The `encodedList` of a list with the given bits set, padded to a multiple of MIN_BITS."""
    indexes = list(revoked)
    bits = max([size, *(i + 1 for i in indexes)])
    length = max(1, -(-bits // MIN_BITS)) * MIN_BITS
    bitstring = bytearray(length // 8)
    for index in indexes:
        bitstring[index // 8] |= 0x80 >> (index % 8)
    return multibase.encode_u(gzip.compress(bytes(bitstring), mtime=0))


def is_set(encoded: str, index: int) -> bool:
    bitstring = gzip.decompress(multibase.decode_u(encoded))
    if not 0 <= index < len(bitstring) * 8:
        raise ValueError(f"status index {index} is outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def credential(base_url: str, did: str, encoded: str, now: datetime) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential (sign it with credentials.sign)."""
    url = status_list_url(base_url)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
