"""Storage of the central: schema, engine set-up and the group-commit writer."""
