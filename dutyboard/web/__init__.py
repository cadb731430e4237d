"""The leader dashboard in a web browser (issue 23): ``dutyboard serve``."""
