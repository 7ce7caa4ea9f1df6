"""The HTTP API (FastAPI, ``create_app(settings)``, versioned under ``/v1``).

Empty until the payment-scoring issue adds the first route.
"""
