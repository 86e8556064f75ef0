"""Lock-file and manifest parsers, one module per format; see ``registry``."""
