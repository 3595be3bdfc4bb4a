"""Just enough Keystone: who is calling, in which project, with which roles."""
