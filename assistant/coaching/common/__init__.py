"""What the three coaches share: account profiles, coach context, report shape, agreement."""
