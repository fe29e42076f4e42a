"""The build: load, plan, render, check, make the PDFs, publish; incremental through the cache."""
