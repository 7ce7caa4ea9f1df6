"""The web console (server-rendered, kk/ru/en). Empty until the console issue lands."""
