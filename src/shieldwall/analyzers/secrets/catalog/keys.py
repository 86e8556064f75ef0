"""The provider rules: Private keys, and credentials in URLs, connection strings and netrc files."""

from __future__ import annotations

from shieldwall.analyzers.secrets import checks
from shieldwall.analyzers.secrets.catalog.common import C, H, M
from shieldwall.analyzers.secrets.spec import B, Spec

SPECS: tuple[Spec, ...] = (
    # ---- Private keys and credentials in URLs --------------------------------
    Spec(
        "PRIVATE-KEY",
        "PEM",
        "Private key (PEM)",
        r"-----BEGIN (?:RSA |EC |DSA |)PRIVATE KEY-----",
        ("private key-----",),
        C,
        "treat the key as compromised: revoke its certificate or remove its public key "
        "wherever it is trusted (authorized_keys, IAM, the CA), generate a new key pair "
        "and keep it in a secret store",
        "https://cwe.mitre.org/data/definitions/321.html",
        checks.pem_body_parses,
    ),
    Spec(
        "PRIVATE-KEY-ENCRYPTED",
        "PEM",
        "Encrypted private key (PEM)",
        r"-----BEGIN (?:ENCRYPTED PRIVATE KEY"
        r"|(?:RSA |EC |DSA )PRIVATE KEY-----\s*Proc-Type: 4,ENCRYPTED)",
        ("encrypted private key-----", "proc-type: 4,encrypted"),
        M,
        "the key is protected by a passphrase, which may be weak or stored nearby: rotate "
        "the key pair and keep it out of the repository",
        "https://cwe.mitre.org/data/definitions/321.html",
    ),
    Spec(
        "PRIVATE-KEY-OPENSSH",
        "OpenSSH",
        "OpenSSH private key",
        r"-----BEGIN OPENSSH PRIVATE KEY-----",
        ("openssh private key-----",),
        C,
        "remove the public key from every authorized_keys, deploy key and CI setting that "
        "trusts it, and generate a new key pair",
        "https://man.openbsd.org/ssh-keygen",
        checks.openssh_body_parses,
    ),
    Spec(
        "PRIVATE-KEY-PGP",
        "PGP",
        "PGP private key block",
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----",
        ("pgp private key block-----",),
        C,
        "revoke the key (publish its revocation certificate to the keyservers) "
        "and create a new one",
        "https://www.gnupg.org/gph/en/manual/c14.html",
    ),
    Spec(
        "PRIVATE-KEY-PUTTY",
        "PuTTY",
        "PuTTY private key file",
        r"PuTTY-User-Key-File-[23]: [\w-]+",
        ("putty-user-key-file-",),
        C,
        "remove the public key from every server that trusts it "
        "and generate a new key with PuTTYgen",
        "https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html",
    ),
    Spec(
        "PRIVATE-KEY-BASE64-PEM",
        "PEM",
        "Private key (base64 of a PEM file)",
        r"(?<![A-Za-z0-9+/])(?P<s>LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2})",
        ("ls0tls1crudjti",),
        C,
        "the value decodes to a PEM private key: treat the key as compromised, generate a "
        "new key pair and keep it in a secret store",
        "https://cwe.mitre.org/data/definitions/321.html",
        checks.base64_pem_private_key,
    ),
    Spec(
        "PRIVATE-KEY-BASE64-DER",
        "PKCS",
        "Private key (base64 of DER: PKCS#1, PKCS#8 or SEC1)",
        r"(?<![A-Za-z0-9+/])(?P<s>(?:MII[A-Za-z0-9+/]{2}[AQgw]IBA(?:AK[BC]|DANBgkqhkiG9w0BAQEFAAS)"
        r"|MIG[A-Za-z0-9+/]AgEAMBMGByqGSM49AgEG|MHcCAQEEI|MC4CAQAwBQYDK2Vw)"
        r"[A-Za-z0-9+/]{40,}={0,2})",
        (
            "ibaak",
            "ibadanbgkqhkig9w0baqefaas",
            "agEAMBMGByqGSM49AgEG",
            "mhccaqeei",
            "mc4caqawbqydk2vw",
        ),
        C,
        "the value is a private key in base64: treat the key as compromised, generate a new "
        "key pair and keep it in a secret store",
        "https://datatracker.ietf.org/doc/html/rfc5208",
        checks.der_private_key,
    ),
    Spec(
        "PKCS12-BASE64",
        "PKCS",
        "PKCS#12 key store (base64)",
        r"(?<![A-Za-z0-9+/])(?P<s>MII[A-Za-z0-9+/]{2}[AQgw]IBAzCC[A-Za-z0-9+/]{100,}={0,2})",
        ("ibazcc",),
        H,
        "the store holds a private key (its password may be weak or stored nearby): revoke "
        "its certificate, issue a new one and keep the store in a secret store",
        "https://datatracker.ietf.org/doc/html/rfc7292",
        checks.der_private_key,
    ),
    Spec(
        "JWK-PRIVATE-KEY",
        "JWK",
        "Private key (JSON Web Key)",
        # the private members: `d`, an RSA key's primes and CRT values, a symmetric key's `k`
        r"""["'](?:d|p|q|dp|dq|qi|k)["']\s*:\s*["'](?P<s>[A-Za-z0-9_-]{32,})["']""",
        (r"[\"'](?:d|p|q|dp|dq|qi|k)[\"']\s*:\s*[\"'][a-z0-9_-]{32}",),
        C,
        "the JWK's private part (`d`, `p`, `q`, `dp`, `dq`, `qi`, or a symmetric key's `k`) "
        "is in the repository: remove the key from every JWKS that trusts it and generate "
        "a new one",
        "https://datatracker.ietf.org/doc/html/rfc7517",
    ),
    Spec(
        "KUBECONFIG-CLIENT-KEY",
        "Kubernetes",
        "client key in a kubeconfig",
        r"client-key-data:\s*(?P<s>[A-Za-z0-9+/]{60,}={0,2})",
        ("client-key-data",),
        C,
        "revoke the client certificate (rotate the cluster CA or remove the user's bindings) "
        "and keep kubeconfigs out of the repository",
        "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/",
    ),
    Spec(
        "JWT",
        "JWT",
        "JSON Web Token",
        f"{B}(?P<s>eyJ[A-Za-z0-9_-]{{8,}}\\.eyJ[A-Za-z0-9_-]{{8,}}(?:\\.[A-Za-z0-9_-]*)?)(?![A-Za-z0-9_.-])",
        (r"eyj[a-z0-9_-]{8,}\.eyj",),
        M,
        "the token grants what its claims say until it expires: revoke the session or "
        "rotate the signing key if it cannot expire soon",
        "https://datatracker.ietf.org/doc/html/rfc7519",
        checks.jwt_valid,
    ),
    Spec(
        "URL-PASSWORD",
        "URL",
        "Password in a connection URL",
        # the host may be filled in at run time (`@%s:5672`, `@{}`, `@${HOST}`,
        # `@{{ host_ip }}`) or left for the reader (`@<rds-instance>`): the user and
        # password before it are still literals. Go's MySQL driver writes the URL
        # without a scheme, the host in the protocol's parentheses
        # (`user:password@tcp(db:3306)/app`).
        r"(?:(?P<sc>(?i:\b[a-z][a-z0-9+.-]{1,30}))://|(?<=[\s\"'`=]))"
        r"(?P<u>[^\s:@/\"'<>{}$]{0,64}):(?P<s>[^\s:@/\"'<>]{2,128})@"
        r"(?(sc)(?P<h>[A-Za-z0-9_.-]+|%[sv]|\{\w*\}|\{\{ ?[\w.]{1,40} ?\}\}|\$\{?\w+\}?"
        r"|<[\w.-]{1,40}>)|(?:tcp|unix)\()",
        (r"://[^\s:@/]{0,64}:[^\s:@/]{2,128}@", r"@(?:tcp|unix)\("),
        H,
        "change the password on the server it opens, and build the URL at run time from a "
        "secret (environment variable, mounted file, secret store)",
        "https://cwe.mitre.org/data/definitions/798.html",
    ),
    Spec(
        "CONNECTION-STRING-PASSWORD",
        "Connection string",
        "Password in a connection string",
        r"(?i:(?:server|data source|host|uid|user id)=[^;\"']{1,100};"
        r"(?:[^;\"']{0,100};){0,6}?\s*(?:password|pwd)\s*=\s*)(?P<s>[^;\"'\s]{3,128})",
        ("password=", "pwd="),
        H,
        "change the database password and read the connection string from a secret at run time",
        "https://cwe.mitre.org/data/definitions/798.html",
    ),
    Spec(
        "HTTP-BASIC-AUTH",
        "HTTP",
        "HTTP Basic credentials",
        r"(?i:authorization[\"']?\s*[:=,]\s*[\"']?basic\s+)(?P<s>[A-Za-z0-9+/]{8,}={0,2})",
        (r"basic\s+[a-z0-9+/]{8}",),
        H,
        "change the password of that account and send credentials from a secret at run time",
        "https://cwe.mitre.org/data/definitions/798.html",
        checks.basic_auth_pair,
    ),
    Spec(
        "NETRC-PASSWORD",
        "netrc",
        "Password in a .netrc entry",
        r"\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?P<s>\S{3,})",
        (r"machine\s+\S+\s+login",),
        H,
        "change the password and use a credential helper instead of .netrc in the repository",
        "https://everything.curl.dev/usingcurl/netrc",
    ),
)
