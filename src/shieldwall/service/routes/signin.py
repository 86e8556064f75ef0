"""Sign-in for people with OpenID Connect (under /auth, only when it is configured):
the session lives in a signed cookie."""

import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from shieldwall.service.oidc import Provider, SignInRefused
from shieldwall.service.routes.deps import SESSION_COOKIE, SIGNIN_COOKIE, service_of

router = APIRouter(tags=["sign-in"])


def _provider(request: Request) -> Provider:
    provider = service_of(request).provider
    if provider is None:  # the router is mounted only with a provider
        raise HTTPException(404, "sign-in is not configured on this service")
    return provider


def _callback_url(request: Request) -> str:
    return str(request.url_for("signin_callback"))


@router.get("/login", response_model=None)
def login(request: Request, next: str = "/") -> RedirectResponse:
    signer = service_of(request).signer
    url, pending = _provider(request).begin(_callback_url(request))
    safe_next = next if next.startswith("/") and not next.startswith("//") else "/"
    # The provider's own authorization endpoint, from its discovery document.
    response = RedirectResponse(url, status_code=303)  # shieldwall: ignore[PY-OPEN-REDIRECT]
    response.set_cookie(
        SIGNIN_COOKIE,
        signer.dump({**pending, "next": safe_next}, seconds=600),
        httponly=True,
        samesite="lax",
        max_age=600,
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/callback", response_model=None, name="signin_callback")
def callback(request: Request, code: str = "", state: str = "") -> RedirectResponse:
    signer, provider = service_of(request).signer, _provider(request)
    pending = signer.load(request.cookies.get(SIGNIN_COOKIE))
    if pending is None or not code or not secrets.compare_digest(state, pending["state"]):
        raise HTTPException(401, "sign-in refused: start again from /auth/login")
    try:
        claims = provider.finish(code, pending, _callback_url(request))
    except SignInRefused as exc:
        raise HTTPException(401, exc.message) from None
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is False:
        raise HTTPException(401, "sign-in refused: the provider vouches for no e-mail")
    # `next` is a path on this site, checked at /login and kept in a cookie we signed.
    response = RedirectResponse(
        pending.get("next", "/"), status_code=303
    )  # shieldwall: ignore[PY-OPEN-REDIRECT]
    response.delete_cookie(SIGNIN_COOKIE)
    response.set_cookie(
        SESSION_COOKIE,
        # The roles its groups give, fixed at sign-in (for the session's 8 hours).
        signer.dump({"email": email.lower(), "group_grants": provider.settings.grants_of(claims)}),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/logout", response_model=None)
def logout() -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
