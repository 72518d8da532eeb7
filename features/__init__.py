"""Data package: each policy pack's clause catalogue and features, one folder a pack."""
