"""Tools around the program: offline plan report (and, later, the deployment driver)."""
