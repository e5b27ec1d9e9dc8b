"""Live-commerce streaming console."""
