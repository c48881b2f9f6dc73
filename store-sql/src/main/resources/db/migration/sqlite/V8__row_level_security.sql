-- Nothing to do on SQLite: it has no row-level security (PostgreSQL's V8 adds it as a second line
-- of tenant isolation). Here the scope conditions every statement carries are the whole rule, and
-- whoever can read the database file can read all of it. Kept so both backends count the same versions.
SELECT 1;
