-- The auth tables with the database standard's columns, as its SQLAlchemy models create them:
-- password (V1's password_hash, values kept), fs_uniquifier, confirmed_at, and an 80-character role name.
-- fs_uniquifier is NOT NULL and unique; existing rows and inserts that leave it out get a fresh one
-- (UUID() without its dashes: 32 hex digits, as Flask-Security's uuid4().hex; the default is
-- evaluated per row). V1's display_name, role_id and created_at stay: the standard's inserts never
-- name them, and they are nullable or defaulted. One statement per table: MySQL cannot roll DDL back.
ALTER TABLE auth_user
    CHANGE COLUMN password_hash password VARCHAR(255) NULL,
    ADD COLUMN fs_uniquifier VARCHAR(64) NOT NULL DEFAULT (replace(uuid(), '-', '')),
    ADD COLUMN confirmed_at DATETIME NULL,
    ADD CONSTRAINT fs_uniquifier UNIQUE (fs_uniquifier);

ALTER TABLE auth_role MODIFY COLUMN name VARCHAR(80) NOT NULL;
