"""Output adapters: one module per way of acting on the world.

Each adapter reads one load's state from Home Assistant and applies the
controller's commands to it. They hold no allocation logic.
"""
