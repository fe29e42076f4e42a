"""Inputs: the project's source files read, parsed and validated into typed,
frozen objects (site configuration, course files). Nothing here renders or writes."""
