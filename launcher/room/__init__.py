"""How a room joins a run: the addresses it dials, the join card, the key file and the wheel it installs."""
