"""The show domain: catalog, promotions, lottery, rundown, state, commands, journal. No Qt."""
