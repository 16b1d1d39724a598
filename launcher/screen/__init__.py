"""The run on screen: the board the launcher keeps, the terminal dashboard, plain lines and the ticker."""
