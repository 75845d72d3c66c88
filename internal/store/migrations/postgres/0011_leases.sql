-- Leases, PostgreSQL flavour: named jobs that must run on one node at a
-- time (the scheduler's pass). A node holds a lease until a time and renews
-- it while it works; a lease that runs out (its node died) may be taken by
-- any other node.
CREATE TABLE leases (
    name  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until TIMESTAMPTZ NOT NULL
);
