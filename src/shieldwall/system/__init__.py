"""The model of a deployed system, between what is scanned (`sources/`) and the
analyzers: deployment units, workloads and their Services, routes from the
outside and the authentication on them, NetworkPolicy evaluation, mesh mTLS,
the gateway, every configured value, and the one definition of an encrypted
link. The config and topology analyzers both read it; neither re-derives it."""
