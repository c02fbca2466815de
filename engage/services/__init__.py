"""Business operations. Services take explicit arguments, flush when they need ids, and never
commit: the view or CLI command that calls them commits once."""
