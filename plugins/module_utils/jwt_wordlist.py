# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Built-in list of weak JWT secrets: placeholders from docs, tutorials and .env examples.

Used by module_utils/jwt.py twice: a configured secret that matches an entry (ignoring case,
surrounding whitespace and digits/punctuation appended) is ``secret_in_wordlist``; a token a
server issued that verifies with an entry is ``weak_secret_signature`` (cracked offline).
Add entries with the module's ``wordlist`` option; keep this list short and about placeholders
people actually ship (a full password list belongs in ``wordlist``).
"""

from __future__ import annotations

WEAK_SECRETS = (
    # generic placeholders
    'secret', 'secretkey', 'secret-key', 'secret_key', 'secret123', 'mysecret', 'my-secret', 'my_secret',
    'mysecretkey', 'my-secret-key', 'my_secret_key', 'supersecret', 'super-secret', 'super_secret',
    'supersecretkey', 'super-secret-key', 'topsecret', 'top-secret', 'verysecret', 'shh', 'shhh', 'shhhhh',
    'shhhhhared-secret', 'keyboard cat', 'changeme', 'change-me', 'change_me', 'changeit', 'change-it',
    'change-this', 'changethis', 'replace-me', 'replaceme', 'replace_me', 'todo', 'fixme', 'default',
    'example', 'sample', 'placeholder', 'test', 'testing', 'test-secret', 'testsecret', 'dev', 'development',
    'dev-secret', 'devsecret', 'local', 'localsecret', 'insecure', 'notsecret', 'not-a-secret', 'password',
    'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'admin', 'admin123', 'root', 'toor', 'qwerty',
    '123456', '12345678', '1234567890', 'letmein', 'abc123', 'key', 'private', 'privatekey', 'private-key',
    'hmac', 'hmac-secret', 'signing-key', 'signingkey', 'token', 'tokensecret', 'token-secret', 'token_secret',
    # JWT-flavoured placeholders (jwt.io, framework docs, blog posts, generators)
    'jwt', 'jwtsecret', 'jwt-secret', 'jwt_secret', 'jwtkey', 'jwt-key', 'jwt_key', 'jwt-secret-key',
    'jwt_secret_key', 'jwtsecretkey', 'jwt_token_secret', 'jwt-token-secret', 'myjwtsecret', 'my-jwt-secret',
    'my_jwt_secret', 'your-secret', 'your_secret', 'yoursecret', 'your-secret-key', 'your_secret_key',
    'yoursecretkey', 'your-jwt-secret', 'your_jwt_secret', 'your-jwt-secret-key', 'your_jwt_secret_key',
    'your-256-bit-secret', 'your-384-bit-secret', 'your-512-bit-secret', 'your-super-secret-key',
    'your-secret-key-here', 'your_secret_key_here', 'put-your-secret-here', 'secret-here', 'access-secret',
    'access_token_secret', 'refresh-secret', 'refresh_token_secret', 'app-secret', 'app_secret', 'appsecret',
    'api-secret', 'api_secret', 'apisecret', 'auth-secret', 'auth_secret', 'authsecret', 'session-secret',
    'session_secret', 'nodejs', 'express', 'node-secret',
    # this project's own examples and fallbacks (tests/app/backend/.env.example, config.js)
    'change-me-to-a-long-random-string', 'dev-only-insecure-secret', 'aura-flow', 'auraflow', 'aura_flow',
    'aura-flow-secret', 'auraflow-secret', 'aura-flow-jwt-secret', 'aura',
)
