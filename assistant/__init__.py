"""KAM Coach: an offline-first assistant and coach for pharmaceutical Key Account Managers."""

__version__ = "0.1.0"
