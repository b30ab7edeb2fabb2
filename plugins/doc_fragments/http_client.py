# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The options of the modules that send HTTP requests with module_utils/http_probe.py (and http_load.py).

    A module whose ``url`` means something narrower (a base URL, an optional URL) documents its own
    ``url``; likewise ``timeout`` with another default. Options merge one level deep: the keys the
    module gives win, the others (``required: true`` too) come from here - an optional ``url`` says
    ``required: false``.
    """

    DOCUMENTATION = r'''
options:
  url:
    description: The http or https URL to request.
    type: str
    required: true
  timeout:
    description:
      - Seconds to wait for a connection, and for a request's complete answer after it was sent.
        A request that exceeds it is an error (kind C(timeout)).
    type: float
    default: 10
  validate_certs:
    description:
      - Verify the server's TLS certificate and host name. V(false) disables both; only for a server with a
        self-signed certificate, like the lab's.
    type: bool
    default: true
'''
