"""Built-in plugin manifests, installed as ``console._plugins`` (see console/resources.py)."""
