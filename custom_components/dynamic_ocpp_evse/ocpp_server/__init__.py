"""Built-in OCPP 1.6J central system (Home Assistant-free).

``profiles`` is the pure profile builder, shared with the ``ocpp`` integration adapter.
"""
