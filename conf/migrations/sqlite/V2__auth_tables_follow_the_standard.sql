-- The auth tables with the database standard's columns, as its SQLAlchemy models create them:
-- password (V1's password_hash, values kept), fs_uniquifier and confirmed_at.
-- Only ALTER TABLE, no table rebuild: with foreign keys on, dropping the old auth_user or auth_role
-- would delete through to the application's tables that reference them. So, as SQLite's ADD COLUMN
-- allows: fs_uniquifier is nullable with a unique index, and a trigger gives a row inserted without
-- one a fresh random one (32 hex digits, as Flask-Security's uuid4().hex), as the other engines'
-- column default does; existing rows get one here. auth_role.name keeps its declared VARCHAR(64):
-- SQLite never enforces a length, so an 80-character name is stored as on the other engines.
ALTER TABLE auth_user RENAME COLUMN password_hash TO password;

ALTER TABLE auth_user ADD COLUMN fs_uniquifier VARCHAR(64);

ALTER TABLE auth_user ADD COLUMN confirmed_at DATETIME;

UPDATE auth_user SET fs_uniquifier = lower(hex(randomblob(16)));

CREATE UNIQUE INDEX auth_user_fs_uniquifier ON auth_user (fs_uniquifier);

CREATE TRIGGER auth_user_fs_uniquifier_default AFTER INSERT ON auth_user
FOR EACH ROW WHEN NEW.fs_uniquifier IS NULL
BEGIN
    UPDATE auth_user SET fs_uniquifier = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
