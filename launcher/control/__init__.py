"""The lecturer's controls: the endpoint the web node calls to kill, cut, pause and change the pace."""
