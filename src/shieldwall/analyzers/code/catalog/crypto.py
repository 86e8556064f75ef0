"""Broken algorithms and protocols: the hashes, ciphers and TLS versions the
pattern rules look for, and the settings that pin a safe minimum."""

from __future__ import annotations

WEAK_HASH_FUNCS = {
    "hashlib.md5": "MD5",
    "hashlib.sha1": "SHA-1",
    "hashlib.md4": "MD4",
    "Crypto.Hash.MD5.new": "MD5",
    "Crypto.Hash.SHA.new": "SHA-1",
    "Crypto.Hash.SHA1.new": "SHA-1",
    "Crypto.Hash.MD4.new": "MD4",
    "Cryptodome.Hash.MD5.new": "MD5",
    "Cryptodome.Hash.SHA1.new": "SHA-1",
    "cryptography.hazmat.primitives.hashes.MD5": "MD5",
    "cryptography.hazmat.primitives.hashes.SHA1": "SHA-1",
}
WEAK_HASH_NAMES = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "md4": "MD4",
    "sha": "SHA-1",
    "md5-sha1": "MD5-SHA1",
}
OLD_PROTOCOLS = frozenset(
    {
        "ssl.PROTOCOL_SSLv2",
        "ssl.PROTOCOL_SSLv3",
        "ssl.PROTOCOL_TLSv1",
        "ssl.PROTOCOL_TLSv1_1",
        "ssl.TLSVersion.SSLv3",
        "ssl.TLSVersion.TLSv1",
        "ssl.TLSVersion.TLSv1_1",
        "OpenSSL.SSL.SSLv2_METHOD",
        "OpenSSL.SSL.SSLv3_METHOD",
        "OpenSSL.SSL.SSLv23_METHOD",
        "OpenSSL.SSL.TLSv1_METHOD",
        "OpenSSL.SSL.TLSv1_1_METHOD",
    }
)
WEAK_CIPHERS = frozenset(
    {
        "DES",
        "DES3",
        "TripleDES",
        "ARC2",
        "ARC4",
        "RC2",
        "RC4",
        "Blowfish",
        "IDEA",
        "CAST",
        "CAST5",
        "SEED",
        "XOR",
    }
)
CIPHER_PACKAGES = (
    "Crypto.Cipher.",
    "Cryptodome.Cipher.",
    "cryptography.hazmat.primitives.ciphers.algorithms.",
    "cryptography.hazmat.decrepit.ciphers.algorithms.",
)
# The deprecated generic protocols: the minimum version is left to defaults that
# accepted TLS 1.0 before Python 3.10 (PROTOCOL_TLS_CLIENT/SERVER are not listed);
# and the settings that pin a minimum.
NEGOTIATING_PROTOCOLS = frozenset({"ssl.PROTOCOL_TLS", "ssl.PROTOCOL_SSLv23"})
MINIMUM_VERSION_SETTINGS = ("minimum_version", "OP_NO_TLSv1_1", "OP_NO_TLSv1")
