"""Pure allocation engine: no Home Assistant, no I/O, no clock.

``allocate`` answers "what is the right split now" for one scenario; the
controller (``controller.py``) adds what must hold over time.
"""

from .allocate import allocate, allocate_scenario
from .controller import Controller
from .scenario import ScenarioError, parse_scenario

__all__ = ["Controller", "ScenarioError", "allocate", "allocate_scenario", "parse_scenario"]
