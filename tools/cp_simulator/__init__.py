"""OCPP 1.6J charge-point simulator (connectors, cars, composite schedules, misbehaviour).

Run ``python -m tools.cp_simulator --help``; in tests use ``Simulator`` directly.
"""

from .models import Misbehaviour, Received, SimConnector
from .schedule import ProfileStore
from .simulator import Simulator

__all__ = ["Misbehaviour", "ProfileStore", "Received", "SimConnector", "Simulator"]
