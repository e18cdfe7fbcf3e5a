"""Configuration flows for the loads under a hub and for discovered chargers.

`config_flow.py` (where Home Assistant looks) holds the hub flow and registers these:
one module per subentry type (charger, plug, circuit), the discovery flow of a charger
found on the built-in server, the charger's forms, and the small helpers every form uses.
"""
