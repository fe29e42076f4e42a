"""The classes of the values of groups of fields (schema.Group), made from
their declarations: they are registered here, under their names, so that
pickle finds them when courses travel to and from worker processes."""
