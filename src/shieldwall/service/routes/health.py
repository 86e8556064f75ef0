"""GET /health: the one route that wants no token."""

from fastapi import APIRouter

from shieldwall import __version__

router = APIRouter()


@router.get("/health", response_model=None, tags=["service"])
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
