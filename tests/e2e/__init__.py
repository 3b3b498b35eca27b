"""The product as people and attackers use it: a real server, a real browser, the wheel."""
