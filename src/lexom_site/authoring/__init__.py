"""Tools that write content files for editors: `new course` and `import`."""
