"""The pages, one module per page group; each view parses, calls one library function, renders."""
