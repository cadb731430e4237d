"""The paste box: a chat message pasted in, its records proposed in the panel's form."""
