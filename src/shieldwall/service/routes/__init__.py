"""The REST API's routers, one per resource (mounted under /api/v1 by `service.api`),
and the sign-in router (under /auth)."""
