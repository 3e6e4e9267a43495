-- Creates the service's database. CREATE DATABASE takes no parameters, so the migrator puts the
-- quoted identifier in place of the marker below (the only statement built this way).
CREATE DATABASE :database_identifier
