"""The content metrics: what customers pick, write about, and how they feel.

One module per metric: ``quick_replies``, ``topics``, ``sentiment``, ``voice`` (voice of the
customer). The package ``socialcare_metrics.metrics`` re-exports their functions.
"""
