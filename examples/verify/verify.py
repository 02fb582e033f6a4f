#!/usr/bin/python3
"""Verify an fcgi-auth access token in a Python service, with PyJWT and
the service's published key set (Debian: python3-jwt python3-cryptography).

    FCGI_AUTH_URL=https://auth.example.com ./verify.py TOKEN

prints the token's claims, or why it is refused (exit status 1).  In an
application, keep one PyJWKClient (it caches the keys, and fetches the
set again when a token names a key it has not seen) and call verify()
for each request's bearer token.  This checks the signature and the
claims only: a revoked session's tokens stay valid until they expire
(at most AUTH_ACCESS_TTL); ask POST /introspect when that matters.
"""
import json
import os
import sys

import jwt

BASE = os.environ.get("FCGI_AUTH_URL", "http://127.0.0.1:3456")
ISSUER = os.environ.get("FCGI_AUTH_ISSUER", "fcgi-auth")       # AUTH_ISSUER
AUDIENCE = os.environ.get("FCGI_AUTH_AUDIENCE", ISSUER)        # AUTH_AUDIENCE
ALGORITHM = os.environ.get("FCGI_AUTH_ALG", "ES256")           # AUTH_JWT_ALG

keys = jwt.PyJWKClient(BASE + "/.well-known/jwks.json")


def verify(token):
    """The claims of a valid access token; raises jwt.InvalidTokenError."""
    if jwt.get_unverified_header(token).get("typ") != "at+jwt":
        raise jwt.InvalidTokenError("not an access token (typ at+jwt)")
    key = keys.get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE,
                      issuer=ISSUER,
                      options={"require": ["exp", "iat", "sub", "aud"]})


if __name__ == "__main__":
    try:
        print(json.dumps(verify(sys.argv[1]), sort_keys=True))
    except (jwt.InvalidTokenError, jwt.PyJWKClientError) as e:
        sys.exit("refused: %s" % e)
