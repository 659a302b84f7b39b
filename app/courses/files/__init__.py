"""The course file format on disk: folders, YAML, GIFT banks, images, checks by file and line."""
