"""Data of the console, installed as ``console._data`` (see console/resources.py)."""
